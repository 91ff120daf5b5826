package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailerFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The injector made ahead on a second thread, or on the caller's when none was started. */
@Timeout(30)
class InjectionTest {
  @Test void builtInTheBackgroundWithTheConfigGivenLater() throws Exception {
    AtomicInteger discoveries = new AtomicInteger();
    Injection injection = new Injection(() -> {
      discoveries.incrementAndGet();
      return CliContext.discoverOnce();
    });
    CountDownLatch after = new CountDownLatch(1);
    injection.startInBackground(after::countDown);
    assertTrue(after.await(20, TimeUnit.SECONDS), "the background thread ran its warm-up after the injector");
    HeraldConfig config = HeraldConfig.defaults();
    MailerFactory factory = injection.factory(config);
    assertSame(config, factory.config(), "the config handed over on the main thread is the one bound");
    assertSame(factory, injection.factory(config), "one injector, one factory per run");
    assertEquals(1, discoveries.get());
    try (var mailer = factory.create("outbox", null, null)) {
      assertEquals("outbox", mailer.name());
    }
  }

  @Test void withoutABackgroundThreadTheCallerBuildsIt() {
    Injection injection = new Injection(CliContext::discoverOnce);
    HeraldConfig config = HeraldConfig.defaults();
    assertSame(config, injection.factory(config).config());
  }

  @Test void aFailureInTheBackgroundReachesTheCallerAsItself() throws Exception {
    InvalidConfigException problem = new InvalidConfigException("two transports are named 'smtp'");
    Injection injection = new Injection(() -> { throw problem; });
    CountDownLatch after = new CountDownLatch(1);
    injection.startInBackground(after::countDown);
    assertTrue(after.await(20, TimeUnit.SECONDS));
    InvalidConfigException thrown = assertThrows(InvalidConfigException.class, () -> injection.factory(HeraldConfig.defaults()));
    assertTrue(thrown.getMessage().contains("two transports are named 'smtp'"), thrown::getMessage);
  }
}

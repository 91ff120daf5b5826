package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Providers;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.TraceListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue = NAME} and {@code herald.queues { … }}, resolved the way every provider is. */
class QueueConfigTest {
  @TempDir Path dir;

  private MailerFactory factory(String hocon) {
    return MailerFactory.of(Providers.discover(), HeraldConfig.of(ConfigFactory.parseString(hocon)));
  }

  @Test void aProfilesQueueIsWhereEnqueueStoresTheRenderedMessage() throws Exception {
    MailerFactory f = factory("herald.queues.box { type = spool, directory = \"" + dir + "\" }\n"
        + "herald.profiles.p { transport = file, directory = \"" + dir.resolve("out") + "\", from = \"me@example.org\", queue = box }");
    try (Mailer m = f.create("p", TraceListener.NONE, w -> { })) {
      String id = m.enqueue(Email.builder().to("you@example.net").subject("later").text("x").build());
      assertTrue(Files.isRegularFile(dir.resolve("queued").resolve(id)));
      assertTrue(SpoolOutboxTest.messageOf(dir.resolve("queued").resolve(id)).contains("From: me@example.org"));
      assertTrue(Files.notExists(dir.resolve("out")), "nothing sent");
      // A message that cannot be rendered fails at once, and nothing is stored.
      assertThrows(dev.herald.mail.InputNotFoundException.class,
          () -> m.enqueue(Email.builder().to("you@example.net").subject("x").attach(dir.resolve("missing.pdf")).build()));
      assertEquals(1, SpoolOutbox.open(dir).stats().total());
    }
  }

  @Test void theBuiltInLocalSpoolLivesInTheUsersDataDirectory() {
    MessageQueue q = factory("").queue("local", w -> { });
    assertInstanceOf(SpoolOutbox.class, q);
    assertEquals(Path.of(System.getProperty("user.home"), ".local/share/herald/queue"), ((SpoolOutbox) q).directory());
  }

  @Test void unknownStoresTypesAndKeysAreConfigErrorsThatNameTheChoices() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> factory("").queue("nope", w -> { }));
    assertEquals("unknown queue 'nope'; known queues (herald.queues): local", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> factory("herald.queues.x { type = redis }").queue("x", w -> { }));
    assertTrue(e.getMessage().startsWith("unknown queue type 'redis' in herald.queues.x at ") && e.getMessage().endsWith(
        "; known types: jdbc, spool (add the jar that provides it to the class path)"), e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> factory("herald.queues.x { type = spool, dir = q }").queue("x", w -> { }));
    assertTrue(e.getMessage().contains("unknown key 'dir' in herald.queues.x") && e.getMessage().endsWith(
        "; keys of queue type spool: directory, lease, type"), e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> factory("herald.queues.x { lease = 1m }").queue("x", w -> { }));
    assertTrue(e.getMessage().contains("names no type: set type = spool"), e.getMessage());
    e = assertThrows(InvalidConfigException.class,
        () -> factory("herald.profiles.p { transport = file, queue = nope }").create("p", TraceListener.NONE, w -> { }));
    assertTrue(e.getMessage().startsWith("unknown queue 'nope'"), e.getMessage());
  }

  @Test void aJdbcStoreTakesItsPasswordAsASecretNeverInTheUrl() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> factory(
        "herald.queues.db { type = jdbc, url = \"jdbc:postgresql://db/app?password=hunter2\" }").queue("db", w -> { }));
    assertTrue(e.getMessage().contains("url carries a password: give it as herald.queues.db.password"), e.getMessage());
    assertTrue(!e.getMessage().contains("hunter2"), "the secret is not repeated");
    e = assertThrows(InvalidConfigException.class, () -> factory(
        "herald.queues.db { type = jdbc, url = \"jdbc:mysql://db/app\" }").queue("db", w -> { }));
    assertTrue(e.getMessage().contains("must be a jdbc:postgresql: URL"), e.getMessage());
    List<String> warnings = new ArrayList<>();
    MessageQueue q = factory("herald.queues.db { type = jdbc, url = \"jdbc:postgresql://127.0.0.1:1/app\", username = app,"
        + " password.env = HERALD_TEST_NO_SUCH_VARIABLE }").queue("db", warnings::add);
    assertEquals("db (jdbc jdbc:postgresql://127.0.0.1:1/app)", q.describe());
    q.close();
  }
}

package dev.herald.mail;

import static org.junit.jupiter.api.Assertions.*;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.spi.ProfileAdvisor;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.testing.FakeTransportFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {
  @TempDir Path dir;

  ClassLoader withServices(String service, String... classes) throws Exception {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(service), String.join("\n", classes) + "\n");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test void findsBuiltInProviders() {
    Providers p = Providers.discover();
    assertTrue(p.transports().containsKey("file"));
    assertTrue(p.credentialSources().keySet().containsAll(java.util.Set.of("env", "file", "command", "inline")));
    assertTrue(p.problems().isEmpty(), p.problems().toString());
  }

  @Test void brokenProviderIsSkippedAndReported() throws Exception {
    Providers p = Providers.discover(withServices("dev.herald.mail.spi.TransportFactory", "com.example.Missing"));
    assertTrue(p.transports().containsKey("file"), "the others still load");
    assertEquals(1, p.problems().size());
    assertTrue(p.problems().get(0).contains("com.example.Missing"), p.problems().toString());
  }

  @Test void duplicateNamesFailNamingBothClasses() throws Exception {
    ClassLoader cl = withServices("dev.herald.mail.spi.TransportFactory",
        FakeTransportFactory.class.getName(), FakeTransportFactory.Twin.class.getName());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Providers.discover(cl));
    assertTrue(e.getMessage().contains("two transports are named 'fake'"), e.getMessage());
  }

  @Test void unknownTransportListsTheKnownAndTheArtifact() {
    HeraldConfig c = HeraldConfig.of(ConfigFactory.parseString("herald.profiles.x { transport = smtp }"));
    MailerFactory f = MailerFactory.of(Providers.discover(), c);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> f.create("x", TraceListener.NONE, null));
    assertTrue(e.getMessage().contains("unknown transport 'smtp'"), e.getMessage());
    assertTrue(e.getMessage().contains("known transports: file"), e.getMessage());
    assertTrue(e.getMessage().contains("dev.herald:mail-smtp"), e.getMessage());
  }

  @Test void guiceWiresAThirdPartyTransportChosenByConfig() throws Exception {
    Providers p = Providers.discover(withServices("dev.herald.mail.spi.TransportFactory", FakeTransportFactory.class.getName()));
    HeraldConfig c = HeraldConfig.of(ConfigFactory.parseString(
        "herald.profiles.api { transport = fake, from = \"a@example.org\", headers { X-Team = ops } }"));
    Injector injector = Guice.createInjector(new MailModule(p, c));
    try (Mailer m = injector.getInstance(MailerFactory.class).create("api", TraceListener.NONE, null)) {
      SendReceipt r = m.send(Email.builder().to("b@example.net").subject("s").text("t").build());
      assertEquals("fake", r.via());
      String sent = FakeTransportFactory.LAST.get();
      assertTrue(sent.contains("X-Team: ops") && sent.contains("From: a@example.org"), sent);
    }
  }

  @Test void advisorHintIsAttachedToFailures() {
    ProfileAdvisor advisor = new ProfileAdvisor() {
      @Override public Optional<String> explain(MailException failure, Config profile) {
        return failure.replyCode() == 535 ? Optional.of("use an app password") : Optional.empty();
      }
    };
    Mailer m = Mailer.builder().from("a@example.org").advisor(advisor).transport(new FakeTransportFactory.Failing(
        new AuthenticationException("rejected", Stage.AUTH, 535, "5.7.8", "bad", null, null))).build();
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> m.send(Email.builder().to("b@example.net").subject("s").build()));
    assertEquals(Optional.of("use an app password"), e.hint());
    assertEquals(Stage.AUTH, e.stage());
    assertEquals("5.7.8", e.enhancedCode().orElseThrow());
  }
}

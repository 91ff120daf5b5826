package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Mailer;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingTransportTest {
  private static Email email(String subject) {
    return Email.builder().from("app@example.org").to("user@example.net").subject(subject).text("hi").build();
  }

  @Test void factoryIsRegisteredAsMemory() {
    List<String> names = ServiceLoader.load(TransportFactory.class).stream().map(p -> p.get().name()).toList();
    assertTrue(names.contains("memory"), names.toString());
  }

  @Test void referenceConfDeclaresTheMemoryKeys() {
    assertEquals("default", ConfigFactory.defaultReference().getString("herald.transports.memory.name"));
  }

  @Test void mailerFromProfileRecordsIntoTheNamedInbox() throws Exception {
    RecordingTransport inbox = RecordingTransport.named("mailer-wiring");
    inbox.clear();
    try (Mailer mailer = Mailer.fromProfile(RecordingTransport.profile("mailer-wiring"))) {
      SendReceipt r = mailer.send(email("Wired from config"));
      assertEquals("memory:mailer-wiring", r.via());
    }
    DeliveredMessage m = inbox.takeMessage(Duration.ofSeconds(1));
    assertEquals("Wired from config", m.mime().getSubject());
    assertEquals(List.of("user@example.net"), m.envelope().orElseThrow().recipients());
    assertNull(inbox.takeMessage(Duration.ZERO));
    assertEquals(1, inbox.messageCount(), "take does not remove from messages()");
  }

  @Test void unknownProfileKeyIsAConfigError() {
    var profile = RecordingTransport.profile("x").withFallback(ConfigFactory.parseString("colour = blue"));
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Mailer.fromProfile(profile));
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
  }

  @Test void factoryDefaultsAndValidatesTheName() {
    RecordingTransportFactory f = new RecordingTransportFactory();
    RecordingTransport t = (RecordingTransport) f.create(ConfigFactory.empty(), TransportContext.empty());
    assertEquals("default", t.name());
    assertThrows(InvalidConfigException.class,
        () -> f.create(ConfigFactory.parseString("name = \"\""), TransportContext.empty()));
    assertThrows(InvalidConfigException.class,
        () -> f.create(ConfigFactory.parseString("name = [a]"), TransportContext.empty()));
  }

  @Test void transportsOfOneNameShareAnInboxAndCloseIndependently() {
    RecordingTransport a = RecordingTransport.named("shared");
    RecordingTransport b = RecordingTransport.named("shared");
    a.clear();
    a.send(Envelope.of(email("one")), email("one").render());
    a.close();
    assertTrue(a.isClosed());
    assertThrows(IllegalStateException.class, () -> a.send(Envelope.of(email("x")), email("x").render()));
    b.send(Envelope.of(email("two")), email("two").render());
    assertEquals(2, RecordingTransport.named("shared").messageCount());
    assertEquals(2, a.messages().size(), "a closed view still reads the inbox");
  }

  @Test void privateInboxIsNotInTheRegistry() throws Exception {
    RecordingTransport p = new RecordingTransport();
    p.send(Envelope.of(email("private")), email("private").render());
    assertEquals(1, p.messageCount());
    assertEquals("private", p.lastMessage().orElseThrow().mime().getSubject());
    assertEquals(0, RecordingTransport.named("private").messageCount());
  }

  @Test void scriptedFailuresComeOnceEachInOrder() {
    RecordingTransport t = new RecordingTransport();
    TransientMailException busy = new TransientMailException("busy");
    t.failNext(busy);
    assertSame(busy, assertThrows(TransientMailException.class, () -> t.send(Envelope.of(email("a")), email("a").render())));
    t.send(Envelope.of(email("b")), email("b").render());
    assertEquals(1, t.messageCount());
  }

  @Test void threadSafeUnderConcurrentSends() throws Exception {
    RecordingTransport t = new RecordingTransport();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 200; i++) {
      int n = i;
      pool.submit(() -> t.send(Envelope.of(email("m" + n)), email("m" + n).render()));
    }
    assertEquals(200, t.awaitMessages(200, Duration.ofSeconds(10)).size());
    pool.shutdown();
    assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    assertThrows(AssertionError.class, () -> t.awaitMessages(201, Duration.ofMillis(20)));
  }
}

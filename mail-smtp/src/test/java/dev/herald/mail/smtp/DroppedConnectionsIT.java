package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.Fault;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that drops some connections, under {@code sendAsync} on a pool: a message fails only for
 * its own attempts. A drop on one message sends the others queued behind it on that connection back
 * to the queue at no cost to them; the dropped message itself is retried as {@code retry} says.
 */
@Timeout(60)
class DroppedConnectionsIT {

  @Test void asyncSendsFailOnlyForTheirOwnAttempts() throws Exception {
    AtomicInteger mails = new AtomicInteger();
    // Every 25th MAIL command (4%) closes the connection instead of answering: deterministic, no seed to chase.
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE)
        .dispatcher(cmd -> cmd.stage() == Stage.MAIL && mails.incrementAndGet() % 25 == 0 ? new Fault.Drop() : null)
        .build().start();
         SmtpTransport t = (SmtpTransport) new SmtpTransportFactory().create(
             ConfigFactory.parseMap(Map.of("max-connections", 4, "retry.attempts", 3, "retry.backoff", "20ms",
                 "timeouts.reply", "5s"), "test").withFallback(server.profile()),
             new TransportContext(Credentials.NONE, TraceListener.NONE, w -> { }))) {
      List<CompletableFuture<SendReceipt>> futures = new ArrayList<>();
      for (int i = 0; i < 400; i++) futures.add(t.sendAsync(envelope("a@example.net"), text("m" + i)));
      int delivered = 0;
      List<String> failures = new ArrayList<>();
      for (CompletableFuture<SendReceipt> f : futures) {
        try {
          f.get(30, TimeUnit.SECONDS);
          delivered++;
        } catch (ExecutionException e) {
          MailException m = assertInstanceOf(MailException.class, e.getCause());
          failures.add(m.stage() + ": " + m.getMessage());
        }
      }
      assertEquals(400, delivered + failures.size());
      for (String f : failures) {
        assertFalse(f.contains("no working connection"), "failed without an attempt of its own: " + f);
        assertTrue(f.startsWith("MAIL: "), "a drop at MAIL is the only failure this server causes: " + f);
      }
      assertTrue(mails.get() / 25 > 10, "the server dropped " + mails.get() / 25 + " connections");
      // Three attempts each (the stale-connection retry on top): failing them all takes bad luck thrice over.
      assertTrue(failures.size() <= 2, failures.size() + " of 400 failed: " + failures);
      assertEquals(delivered, server.messageCount(), "every message reported sent was received once");
    }
  }

  @Test void aMessageThatBreaksItsConnectionUsesItsOwnAttempts() throws Exception {
    // The server drops every connection at MAIL for m1, and takes the rest; m1 fails after retry.attempts.
    AtomicInteger m1Mails = new AtomicInteger();
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).build().start();
         SmtpTransport t = (SmtpTransport) new SmtpTransportFactory().create(
             ConfigFactory.parseMap(Map.of("max-connections", 1, "retry.attempts", 2, "retry.backoff", "10ms"), "test")
                 .withFallback(server.profile()),
             new TransportContext(Credentials.NONE, TraceListener.NONE, w -> { }))) {
      server.dispatcher(cmd -> {
        if (cmd.stage() != Stage.MAIL || !cmd.line().contains("<m1@")) return null;
        m1Mails.incrementAndGet();
        return new Fault.Drop();
      });
      List<CompletableFuture<SendReceipt>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(t.sendAsync(new Envelope("m" + (i == 5 ? 1 : 0) + "@example.org", List.of("a@example.net")),
            text("m" + i)));
      }
      for (int i = 0; i < 20; i++) {
        if (i == 5) {
          ExecutionException e = assertThrows(ExecutionException.class,
              () -> futures.get(5).get(20, TimeUnit.SECONDS));
          assertInstanceOf(TransientMailException.class, e.getCause());
          assertEquals(Stage.MAIL, ((MailException) e.getCause()).stage(), e.getCause().getMessage());
        } else {
          futures.get(i).get(20, TimeUnit.SECONDS);
        }
      }
      assertEquals(19, server.messageCount());
      // retry.attempts = 2, plus one free retry when the drop hit a reused connection
      assertTrue(m1Mails.get() >= 2 && m1Mails.get() <= 3, "m1 tried " + m1Mails.get() + " times");
    }
  }
}

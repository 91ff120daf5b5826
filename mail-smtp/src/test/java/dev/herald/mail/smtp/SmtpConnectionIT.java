package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Outgoing;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client's connections against mail-testkit's MockSmtpServer: reuse, NOOP checks, reconnects, the pool, retry with backoff, rate limit, close. */
class SmtpConnectionIT extends SmtpClientFixture {

  @Test void connectionIsReusedWithRsetOnlyWhenNeeded() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    for (int i = 0; i < 3; i++) t.send(envelope("a@example.net"), text("m" + i));
    assertEquals(1, server.sessionCount());
    assertEquals(3, server.messageCount());
    assertEquals(0, trace.clientLines("RSET"));
    assertEquals(1, trace.clientLines("EHLO"));
    server.script(at(Stage.DATA).reply(554, "5.3.0 no").once());
    assertThrows(PermanentMailException.class, () -> t.send(envelope("a@example.net"), text("refused")));
    t.send(envelope("a@example.net"), text("after"));
    assertEquals(1, trace.clientLines("RSET"));
    assertEquals(1, server.sessionCount());
  }

  @Test void idleConnectionIsCheckedWithNoop() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "idle-timeout", "50ms");
    t.send(envelope("a@example.net"), text("1"));
    Thread.sleep(120);
    t.send(envelope("a@example.net"), text("2"));
    assertEquals(1, trace.clientLines("NOOP"));
    assertEquals(1, server.sessionCount());
  }

  @Test void reconnectsAfter421() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net"), text("1"));
    // The server shuts the kept connection down at the next MAIL; the message goes out on a new one.
    server.script(at(Stage.MAIL).reply(421, "4.4.2 Idle too long, closing").thenClose().once());
    SendReceipt r = t.send(envelope("a@example.net"), text("2"));
    assertNotNull(r);
    assertEquals(2, server.sessionCount());
    assertEquals(2, server.messageCount());
  }

  @Test void reconnectsAfterServerClosedIdleConnection() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net"), text("1"));
    server.script(at(Stage.MAIL).drop().once());
    t.send(envelope("a@example.net"), text("2"));
    assertEquals(2, server.sessionCount());
    assertEquals(2, server.messageCount());
  }

  @Test void maxMessagesPerConnection() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-messages-per-connection", 2);
    for (int i = 0; i < 5; i++) t.send(envelope("a@example.net"), text("m" + i));
    assertEquals(3, server.sessionCount());
    assertEquals(5, server.messageCount());
    assertEquals(2, trace.clientLines("QUIT"));
  }

  @Test void sendAllPipelinesABatchOverOneConnection() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 1);
    server.script(at(Stage.RCPT).forRecipient("rcpt3@example.net").reply(550, "5.1.1 No such user"));
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 later").once());
    List<Outgoing> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) batch.add(Messages.outgoing(i));
    List<SendOutcome> out = t.sendAll(batch);
    assertEquals(10, out.size());
    assertFalse(out.get(0).sent());   // the 451, once
    assertEquals(Stage.DATA_END, out.get(0).failure().stage());
    assertInstanceOf(RecipientsRejectedException.class, out.get(3).failure());
    for (int i : new int[] {1, 2, 4, 5, 6, 7, 8, 9}) assertTrue(out.get(i).sent(), "message " + i + ": " + out.get(i));
    assertEquals(8, server.messageCount());
    assertEquals(1, server.sessionCount());
  }

  @Test void poolSpreadsConcurrentSendsOverConnections() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE)
        .dispatcher(null));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 4);
    List<Outgoing> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) batch.add(Messages.outgoing(i));
    List<SendOutcome> out = t.sendAll(batch);
    assertTrue(out.stream().allMatch(SendOutcome::sent));
    assertEquals(200, server.messageCount());
    assertTrue(server.sessionCount() <= 4, "sessions: " + server.sessionCount());
    // Threads sending at once share the pool too.
    List<Thread> threads = new ArrayList<>();
    AtomicInteger ok = new AtomicInteger();
    for (int i = 0; i < 8; i++) {
      Thread th = new Thread(() -> {
        for (int k = 0; k < 10; k++) {
          t.send(envelope("t@example.net"), text("k" + k));
          ok.incrementAndGet();
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) th.join();
    assertEquals(80, ok.get());
    assertTrue(server.sessionCount() <= 8, "sessions: " + server.sessionCount());
  }

  @Test void closeWhileABatchIsSendingCompletesEveryFuture() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).delay(Duration.ofMillis(5)));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 2);
    List<java.util.concurrent.CompletableFuture<SendReceipt>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) futures.add(t.sendAsync(envelope("a@example.net"), text("m" + i)));
    Thread.sleep(100);
    t.close();
    int sent = 0;
    int failed = 0;
    for (var f : futures) {
      try {
        f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        sent++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertInstanceOf(TransientMailException.class, e.getCause());
        failed++;
      }
    }
    assertEquals(300, sent + failed);
    assertTrue(failed > 0, "closed too late to matter: " + sent + " sent");
    assertEquals(sent, server.messageCount());
  }

  @Test void retryWithBackoffRecoversFromTransientFailure() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).reply(451, "4.7.1 Greylisted").times(2));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "retry.attempts", 3, "retry.backoff", "50ms");
    long start = System.nanoTime();
    t.send(envelope("a@example.net"), text("x"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 50, "backoff waited " + ms + " ms");
    assertEquals(3, trace.clientLines("MAIL"));
    assertEquals(1, server.messageCount());
  }

  @Test void retryGivesUpAfterItsAttempts() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).reply(451, "4.7.1 Greylisted"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "retry.attempts", 2, "retry.backoff", "10ms");
    assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(2, trace.clientLines("MAIL"));
  }

  @Test void permanentFailuresAreNotRetried() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).reply(550, "5.7.1 Sender refused"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "retry.attempts", 3, "retry.backoff", "10ms");
    assertThrows(PermanentMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(1, trace.clientLines("MAIL"));
  }

  @Test void closeClosesConnectionsAndLeavesNoThreads() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.sendAsync(envelope("a@example.net"), text("x")).get();
    t.close();
    t.close();
    assertEquals(1, trace.clientLines("QUIT"));
    for (Thread th : Thread.getAllStackTraces().keySet()) {
      if (th.getName().startsWith("herald-smtp")) assertTrue(th.isDaemon(), th.getName());
    }
    assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("y")));
  }

  @Test void rateLimitSpacesMessages() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "rate-limit", "20/s");
    long start = System.nanoTime();
    List<SendOutcome> out = t.sendAll(dev.herald.mail.smtp.testing.Outgoings.to("a@example.net", 6));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(out.stream().allMatch(SendOutcome::sent));
    assertTrue(ms >= 240, "6 messages at 20/s took " + ms + " ms");
  }
}

package dev.herald.mail.testkit;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.Stage;
import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per fault, seen from a raw socket: exactly what a client gets. */
class MockSmtpServerFaultTest {
  private MockSmtpServer server;

  @BeforeEach void start() {
    server = MockSmtpServer.builder().build().start();
  }

  @AfterEach void stop() {
    server.close();
  }

  private RawSmtpClient connect() throws IOException {
    return new RawSmtpClient(server.host(), server.port());
  }

  /** Greeting and EHLO; returns the client ready for MAIL. */
  private RawSmtpClient ready() throws IOException {
    RawSmtpClient c = connect();
    assertEquals("220", c.reply().get(0).substring(0, 3));
    assertEquals("250", c.command("EHLO client.test").get(0).substring(0, 3));
    return c;
  }

  private static String first(List<String> reply) {
    assertFalse(reply.isEmpty(), "no reply: connection closed");
    return reply.get(0);
  }

  private void sendMessage(RawSmtpClient c, String expectedFinal) throws IOException {
    assertEquals("250 2.1.0 Sender <a@example.org> OK", first(c.command("MAIL FROM:<a@example.org>")));
    assertEquals("250 2.1.5 Recipient <b@example.net> OK", first(c.command("RCPT TO:<b@example.net>")));
    assertTrue(first(c.command("DATA")).startsWith("354"));
    assertEquals(expectedFinal, first(c.command("Subject: x\r\n\r\nbody\r\n.")).substring(0, expectedFinal.length()));
  }

  @Test void connectReplyThenClose() throws Exception {
    server.script(at(Stage.CONNECT).reply(421, "4.3.2 Busy").thenClose());
    try (RawSmtpClient c = connect()) {
      assertEquals(List.of("421 4.3.2 Busy"), c.reply());
      assertTrue(c.closedByServer());
    }
  }

  @Test void connectRefusalWithoutCloseAnswers503UntilQuit() throws Exception {
    server.script(at(Stage.CONNECT).reply(554, "5.3.2 No SMTP service here"));
    try (RawSmtpClient c = connect()) {
      assertEquals("554 5.3.2 No SMTP service here", first(c.reply()));
      assertTrue(first(c.command("EHLO me")).startsWith("503 5.5.1"));
      assertTrue(first(c.command("QUIT")).startsWith("221"));
      assertTrue(c.closedByServer());
    }
  }

  @Test void dropAtConnectSendsNoGreeting() throws Exception {
    server.script(at(Stage.CONNECT).drop());
    try (RawSmtpClient c = connect()) {
      assertEquals(List.of(), c.reply());
    }
  }

  @Test void ehloRejectedClientFallsBackToHelo() throws Exception {
    server.script(at(Stage.EHLO).reply(502, "5.5.1 EHLO not supported").once());
    try (RawSmtpClient c = connect()) {
      c.reply();
      assertEquals(List.of("502 5.5.1 EHLO not supported"), c.command("EHLO me"));
      assertEquals(List.of("250 localhost Hello me"), c.command("HELO me"));
      sendMessage(c, "250 2.0.0");
    }
    assertEquals("me", server.takeMessage(Duration.ofSeconds(2)).heloName());
  }

  @Test void malformedAndOverlongReplies() throws Exception {
    server.script(at(Stage.EHLO).rawReply("garbage without code\r\n").once(), at(Stage.EHLO).overlongReply(5000).once());
    try (RawSmtpClient c = connect()) {
      c.reply();
      assertEquals("garbage without code", c.command("EHLO me").get(0));
      String l = c.command("EHLO me").get(0);
      assertEquals(5000, l.length());
      assertTrue(l.startsWith("250 xxx"));
      assertTrue(first(c.command("EHLO me")).startsWith("250-localhost"), "script used up: normal again");
    }
  }

  @Test void multiLineScriptedReplyLikeGmail() throws Exception {
    server.script(at(Stage.AUTH).reply(535, "5.7.8 Username and Password not accepted. For more information, go to",
        "5.7.8  https://support.google.com/mail/?p=BadCredentials"));
    try (RawSmtpClient c = ready()) {
      assertEquals(List.of("535-5.7.8 Username and Password not accepted. For more information, go to",
          "535 5.7.8  https://support.google.com/mail/?p=BadCredentials"), c.command("AUTH PLAIN AGJvYgBzZWNyZXQ="));
    }
  }

  @Test void mailDropClosesInsteadOfReplying() throws Exception {
    server.script(at(Stage.MAIL).drop());
    try (RawSmtpClient c = ready()) {
      assertEquals(List.of(), c.command("MAIL FROM:<a@example.org>"));
    }
  }

  @Test void rcptFaultForOneRecipientOnly() throws Exception {
    server.script(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      assertEquals("550 5.1.1 No such user", first(c.command("RCPT TO:<Ghost@example.net>")));
      assertEquals("250 2.1.5 Recipient <b@example.net> OK", first(c.command("RCPT TO:<b@example.net>")));
      assertTrue(first(c.command("DATA")).startsWith("354"));
      assertTrue(first(c.command("Subject: x\r\n\r\nhi\r\n.")).startsWith("250"));
    }
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
    assertEquals(List.of("b@example.net"), m.envelope().recipients(), "rejected recipient not in the envelope");
  }

  @Test void dataReplyRefusesTheMessage() throws Exception {
    server.script(at(Stage.DATA).reply(554, "5.7.1 Not now"));
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      assertEquals("554 5.7.1 Not now", first(c.command("DATA")));
      assertTrue(first(c.command("NOOP")).startsWith("250"), "still in command mode");
    }
  }

  @Test void greylistingOnlyTheFirstTime() throws Exception {
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 Try later").once());
    try (RawSmtpClient c = ready()) {
      sendMessage(c, "451 4.3.0 Try later");
      assertEquals(0, server.messageCount(), "a refused message is not recorded");
      sendMessage(c, "250 2.0.0 OK");
    }
    assertEquals(1, server.messageCount());
    assertTrue(server.pendingFaults().isEmpty());
  }

  @Test void timesLimitsAFault() throws Exception {
    server.script(at(Stage.MAIL).reply(421, "4.7.0 Slow down").times(2));
    try (RawSmtpClient c = ready()) {
      assertEquals("421 4.7.0 Slow down", first(c.command("MAIL FROM:<a@example.org>")));
      assertEquals(List.of(at(Stage.MAIL).reply(421, "4.7.0 Slow down").times(1).toString()),
          server.pendingFaults().stream().map(Fault::toString).toList());
      assertEquals("421 4.7.0 Slow down", first(c.command("MAIL FROM:<a@example.org>")));
      assertTrue(first(c.command("MAIL FROM:<a@example.org>")).startsWith("250"));
    }
  }

  @Test void scriptedSuccessAtDataEndRecordsWithCustomText() throws Exception {
    server.script(at(Stage.DATA_END).reply(250, "2.0.0 OK 1700000000 abc123 - gsmtp"));
    try (RawSmtpClient c = ready()) {
      sendMessage(c, "250 2.0.0 OK 1700000000 abc123 - gsmtp");
    }
    assertEquals(1, server.messageCount());
  }

  @Test void dropMidData() throws Exception {
    server.script(at(Stage.DATA).dropMidData());
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      assertTrue(first(c.command("DATA")).startsWith("354"));
      c.send("Subject: x\r\n");
      assertTrue(c.closedByServer());
    }
    assertEquals(0, server.messageCount());
  }

  @Test void dropAtDataEndLosesTheMessage() throws Exception {
    server.script(at(Stage.DATA_END).drop());
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      assertEquals(List.of(), c.command("Subject: x\r\n\r\nbody\r\n."));
    }
    assertEquals(0, server.messageCount());
  }

  @Test void delayedReplyTripsAClientTimeoutThenArrives() throws Exception {
    server.script(at(Stage.DATA_END).delay(Duration.ofMillis(1500)));
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      c.soTimeout(500);
      c.send("Subject: x\r\n\r\nbody\r\n.\r\n");
      long t0 = System.nanoTime();
      assertThrows(SocketTimeoutException.class, c::reply);
      c.soTimeout(5000);
      assertTrue(first(c.reply()).startsWith("250 2.0.0"));
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 900);
    }
  }

  @Test void neverReplyHoldsUntilTheServerCloses() throws Exception {
    server.script(at(Stage.EHLO).neverReply());
    try (RawSmtpClient c = connect()) {
      c.reply();
      c.soTimeout(300);
      c.send("EHLO me\r\n");
      assertThrows(SocketTimeoutException.class, c::reply);
      server.close();
      c.soTimeout(2000);
      assertTrue(c.closedByServer());
    }
  }

  @Test void startTlsHandshakeFails() throws Exception {
    server.script(at(Stage.STARTTLS).failHandshake());
    try (RawSmtpClient c = ready()) {
      assertEquals("220 2.0.0 Ready to start TLS", first(c.command("STARTTLS")));
      assertThrows(SSLException.class, () -> c.startTls(server.clientSslContext(), "localhost"));
    }
  }

  @Test void startTlsInjectionBytesArriveWithThe220() throws Exception {
    server.script(at(Stage.STARTTLS).injectAfterReady("250 injected\r\n"));
    try (RawSmtpClient c = ready()) {
      c.send("STARTTLS\r\n");
      Thread.sleep(200); // both lines came in one write: they are in the client's buffer together
      assertEquals("220 2.0.0 Ready to start TLS", c.line());
      assertTrue(c.input().available() > 0, "the injected bytes are already buffered");
      assertEquals("250 injected", c.line());
    }
  }

  @Test void serverDiscardsPlaintextPipelinedAfterStartTls() throws Exception {
    try (RawSmtpClient c = ready()) {
      c.send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n");
      assertEquals("220 2.0.0 Ready to start TLS", first(c.reply()));
      c.startTls(server.clientSslContext(), "localhost");
      assertTrue(first(c.command("EHLO again")).startsWith("250-"));
      assertTrue(first(c.command("RCPT TO:<b@example.net>")).startsWith("503"), "the injected MAIL was not executed");
    }
    assertTrue(server.transcriptText().contains("discarded"), server.transcriptText());
  }

  @Test void scriptedStartTlsRefusal() throws Exception {
    server.script(at(Stage.STARTTLS).reply(454, "4.7.0 TLS not available due to temporary reason"));
    try (RawSmtpClient c = ready()) {
      assertEquals("454 4.7.0 TLS not available due to temporary reason", first(c.command("STARTTLS")));
    }
  }

  @Test void quitAndRsetFaults() throws Exception {
    server.script(at(Stage.RSET).reply(500, "5.5.1 no"), at(Stage.QUIT).drop());
    try (RawSmtpClient c = ready()) {
      assertEquals("500 5.5.1 no", first(c.command("RSET")));
      assertEquals(List.of(), c.command("QUIT"));
    }
  }

  @Test void dispatcherComesBeforeTheScript() throws Exception {
    server.script(at(Stage.RCPT).reply(550, "5.1.1 scripted"));
    server.dispatcher(cmd -> cmd.stage() == Stage.RCPT && cmd.recipient().endsWith("@blocked.test")
        ? new Fault.Reply(550, List.of("5.7.1 Relaying denied"), false) : null);
    try (RawSmtpClient c = ready()) {
      c.command("MAIL FROM:<a@example.org>");
      assertEquals("550 5.7.1 Relaying denied", first(c.command("RCPT TO:<x@blocked.test>")));
      assertEquals("550 5.1.1 scripted", first(c.command("RCPT TO:<x@example.net>")));
    }
  }

  @Test void faultVocabularyRejectsMisuse() {
    assertThrows(IllegalStateException.class, () -> at(Stage.MAIL).forRecipient("a@b.c"));
    assertThrows(IllegalStateException.class, () -> at(Stage.EHLO).failHandshake());
    assertThrows(IllegalStateException.class, () -> at(Stage.RCPT).dropMidData());
    assertThrows(IllegalStateException.class, () -> at(Stage.MAIL).drop().thenClose());
    assertThrows(IllegalArgumentException.class, () -> at(Stage.MAIL).reply(99, "x"));
    assertThrows(IllegalArgumentException.class, () -> at(Stage.MAIL).reply(250, "a\r\nb"));
    assertThrows(IllegalArgumentException.class, () -> at(Stage.LOCAL));
  }
}

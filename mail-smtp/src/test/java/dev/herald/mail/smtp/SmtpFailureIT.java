package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client against a MockSmtpServer that fails: refusals at connect, timeouts at each stage, dropped connections, malformed replies; which failures are transient, permanent or uncertain. */
class SmtpFailureIT extends SmtpClientFixture {

  @Test void reply421AtConnectIsTransient() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.CONNECT).reply(421, "4.3.2 Service not available").thenClose());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.CONNECT, e.stage());
    assertEquals(421, e.replyCode());
    assertEquals("4.3.2", e.enhancedCode().orElseThrow());
    assertEquals("Service not available", e.serverText().orElseThrow());
  }

  @Test void reply554AtConnectIsPermanent() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.CONNECT).reply(554, "5.7.1 No SMTP service here").thenClose());
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(554, e.replyCode());
  }

  @Test void serverThatNeverAnswersTimesOutWithTheStage() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).neverReply());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "timeouts.reply", "400ms");
    long start = System.nanoTime();
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    assertEquals(Stage.MAIL, e.stage());
    assertTrue(e.getMessage().contains("did not answer within 400 ms"), e.getMessage());
  }

  @Test void silentGreetingTimesOutAtConnect() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.CONNECT).neverReply());
    TransientMailException e = assertThrows(TransientMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none", "timeouts.reply", "300ms").send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.CONNECT, e.stage());
  }

  @Test void silentEndOfDataTimesOutAndIsNeverRetried() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).neverReply());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "timeouts.data-end", "400ms",
        "retry.attempts", 3, "retry.backoff", "10ms");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    assertTrue(e.getMessage().contains("did not answer within 400 ms at data end"), e.getMessage());
    assertTrue(e.getMessage().contains("may have been delivered"), e.getMessage());
    assertEquals(1, trace.lines().stream().filter(s -> s.startsWith("> <message")).count());
  }

  @Test void slowServerWithinTheTimeoutIsFine() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).delay(Duration.ofMillis(300)).once());
    transport(server, Credentials.NONE, "tls", "none", "timeouts.data-end", "2s").send(envelope("a@example.net"), text("x"));
    assertNotNull(server.takeMessage(TAKE));
  }

  @Test void serverSlowerThanTheDataEndTimeoutIsUncertain() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).delay(Duration.ofSeconds(2)).once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "timeouts.data-end", "300ms", "retry.attempts", 3);
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    assertTrue(e.getMessage().contains("may have been delivered"), e.getMessage());
  }

  @Test void refusedQuitDoesNotMatter() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.QUIT).reply(500, "5.5.1 no quitting").thenClose());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net"), text("x"));
    t.close();
    assertEquals(1, server.messageCount());
  }

  @Test void droppedConnectionIsTransient() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).drop());
    TransientMailException e = assertThrows(TransientMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.MAIL, e.stage());
  }

  @Test void droppedMidDataIsTransientAndNotDelivered() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA).dropMidData());
    assertThrows(TransientMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("line 1\r\nline 2\r\n")));
    assertEquals(0, server.messageCount());
  }

  @Test void connectionRefusedIsHostUnreachable() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(port).tls(TlsPolicy.NONE).connectTimeout(Duration.ofSeconds(2)).build();
    closeables.add(t);
    HostUnreachableException e = assertThrows(HostUnreachableException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.CONNECT, e.stage());
  }

  @Test void malformedReplyIsProtocolError() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).rawReply("hello there\r\n"));
    MalformedReplyException e = assertThrows(MalformedReplyException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.MAIL, e.stage());
  }

  @Test void overlongReplyIsProtocolErrorNotAHang() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).overlongReply(100_000));
    assertThrows(MalformedReplyException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
  }

  @Test void batchSurvivesA421AfterOneMessage() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).reply(421, "4.3.2 Shutting down").thenClose().once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 1);
    List<SendOutcome> out = t.sendAll(dev.herald.mail.smtp.testing.Outgoings.to("a@example.net", 5));
    assertEquals(421, out.get(0).failure().replyCode());
    assertFalse(out.get(0).failure().getMessage().contains("may have been delivered"));
    for (int i = 1; i < 5; i++) assertTrue(out.get(i).sent(), "message " + i + ": " + out.get(i));
    assertEquals(4, server.messageCount());
    assertEquals(2, server.sessionCount());
  }

  @Test void batchDropAfterEndOfDataFailsOnlyThatMessageAndNeverResendsIt() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).drop().once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 1,
        "retry.attempts", 3, "retry.backoff", "10ms");
    List<SendOutcome> out = t.sendAll(dev.herald.mail.smtp.testing.Outgoings.to("a@example.net", 5));
    assertTrue(out.get(0).failure().getMessage().contains("may have been delivered"), out.get(0).toString());
    for (int i = 1; i < 5; i++) assertTrue(out.get(i).sent(), "message " + i + ": " + out.get(i));
    // Five bodies went out: the first was not sent again although retry.attempts = 3.
    assertEquals(5, trace.lines().stream().filter(l -> l.startsWith("> <message")).count());
  }
}

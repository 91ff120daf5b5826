package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The well-behaved server, command by command, over a raw socket. */
class MockSmtpServerTest {

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private static RawSmtpClient ehlo(MockSmtpServer server) throws Exception {
    RawSmtpClient c = new RawSmtpClient(server.host(), server.port());
    c.reply();
    c.command("EHLO client.test");
    return c;
  }

  @Test void pipelinedCommandsAreAnsweredInOrder() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         RawSmtpClient c = ehlo(server)) {
      c.send("MAIL FROM:<a@example.org> SIZE=20\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<bad address>\r\n"
          + "RCPT TO:<c@example.net> NOTIFY=SUCCESS,FAILURE\r\nDATA\r\n");
      assertEquals("250 2.1.0 Sender <a@example.org> OK", c.line());
      assertEquals("250 2.1.5 Recipient <b@example.net> OK", c.line());
      assertTrue(c.line().startsWith("553 5.1.3"));
      assertEquals("250 2.1.5 Recipient <c@example.net> OK", c.line());
      assertTrue(c.line().startsWith("354 "));
      c.send("Subject: p\r\n\r\nhi\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n");
      assertTrue(c.line().startsWith("250 2.0.0 OK: queued as MOCK"));
      assertEquals("250 2.0.0 Flushed", c.line());
      assertEquals("250 2.0.0 OK", c.line());
      assertTrue(c.line().startsWith("221 2.0.0"));
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
      assertEquals(List.of("b@example.net", "c@example.net"), m.envelope().recipients());
      assertEquals(Map.of("SIZE", "20"), m.mailParameters());
      assertEquals(Map.of("NOTIFY", "SUCCESS,FAILURE"), m.rcptParameters().get("c@example.net"));
      assertFalse(m.tls());
      assertTrue(m.authenticatedUser().isEmpty());
    }
  }

  @Test void ehloAdvertisesWhatIsConfigured() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().pipelining(false).size(1234).smtpUtf8(false)
        .eightBitMime(false).dsn(false).chunking(true).authMechanisms().enhancedStatusCodes(false)
        .extension("X-HERALD").build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      assertEquals(List.of("250-localhost Hello me", "250-SIZE 1234", "250-STARTTLS", "250-CHUNKING", "250 X-HERALD"),
          c.command("EHLO me"));
      assertEquals("250 Sender <a@example.org> OK", c.command("MAIL FROM:<a@example.org>").get(0), "no enhanced codes");
      assertTrue(c.command("AUTH PLAIN AGJvYgBzZWNyZXQ=").get(0).startsWith("502"));
    }
  }

  @Test void gmailLikeGreetingAndCapabilities() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().gmailLike().user("me@gmail.com", "app-password").build().start();
         RawSmtpClient c = new RawSmtpClient("localhost", server.port())) {
      assertTrue(c.reply().get(0).startsWith("220 smtp.gmail.com ESMTP "));
      List<String> ehlo = c.command("EHLO me");
      assertEquals("250-smtp.gmail.com at your service, [127.0.0.1]", ehlo.get(0));
      assertTrue(ehlo.contains("250-STARTTLS"));
      assertFalse(ehlo.stream().anyMatch(l -> l.contains("AUTH")), "AUTH only after STARTTLS");
      assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.command("MAIL FROM:<me@gmail.com>").get(0));
      assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.command("AUTH PLAIN " + b64("\0me@gmail.com\0app-password")).get(0));
      c.command("STARTTLS");
      c.startTls(server.clientSslContext(), "localhost");
      List<String> again = c.command("EHLO me");
      assertTrue(again.contains("250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH"), again.toString());
      assertFalse(again.contains("250-STARTTLS"));
      assertEquals("530 5.7.0 Authentication required", c.command("MAIL FROM:<me@gmail.com>").get(0));
      assertTrue(c.command("AUTH XOAUTH").get(0).startsWith("504 5.5.4"));
      List<String> refused = c.command("AUTH PLAIN " + b64("\0me@gmail.com\0wrong"));
      assertEquals(2, refused.size());
      assertEquals("535-5.7.8 Username and Password not accepted. For more information, go to", refused.get(0));
      assertTrue(refused.get(1).startsWith("535 5.7.8  https://support.google.com/mail/?p=BadCredentials"));
      assertEquals("235 2.7.0 Authentication successful", c.command("AUTH PLAIN " + b64("\0me@gmail.com\0app-password")).get(0));
      assertEquals("503 5.5.1 Already authenticated", c.command("AUTH PLAIN " + b64("\0me@gmail.com\0app-password")).get(0));
      assertTrue(c.command("MAIL FROM:<me@gmail.com>").get(0).startsWith("250"));
    }
  }

  @Test void authPlainWithChallengeAndLoginAndCancel() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).user("bob", "pw").build().start()) {
      try (RawSmtpClient c = ehlo(server)) {
        assertEquals("334 ", c.command("AUTH PLAIN").get(0));
        assertEquals("535 5.7.8 Authentication credentials invalid", c.command(b64("\0bob\0nope")).get(0));
        assertEquals("334 ", c.command("AUTH PLAIN").get(0));
        assertEquals("501 5.0.0 Authentication cancelled", c.command("*").get(0));
        assertEquals("501 5.5.2 Cannot decode the response", c.command("AUTH PLAIN !!!").get(0));
        assertEquals("334 " + b64("Username:"), c.command("AUTH LOGIN").get(0));
        assertEquals("334 " + b64("Password:"), c.command(b64("bob")).get(0));
        assertEquals("235 2.7.0 Authentication successful", c.command(b64("pw")).get(0));
      }
      try (RawSmtpClient c = ehlo(server)) {
        assertEquals("334 " + b64("Password:"), c.command("AUTH LOGIN " + b64("bob")).get(0));
        assertEquals("535 5.7.8 Authentication credentials invalid", c.command(b64("bad")).get(0));
        assertEquals("504 5.5.4 Unrecognized authentication type CRAM-MD5", c.command("AUTH CRAM-MD5").get(0));
      }
    }
  }

  @Test void xoauth2SuccessAndFailureFlow() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).token("bob", "ya29.good").build().start()) {
      try (RawSmtpClient c = ehlo(server)) {
        List<String> r = c.command("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer ya29.bad\u0001\u0001"));
        assertTrue(r.get(0).startsWith("334 "));
        assertEquals("{\"status\":\"401\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}", decode(r.get(0).substring(4)));
        assertEquals(List.of("535 5.7.8 Username and Password not accepted"), c.command(""));
        assertEquals("235 2.7.0 Authentication successful",
            c.command("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer ya29.good\u0001\u0001")).get(0));
        c.command("MAIL FROM:<bob@example.org>");
        c.command("RCPT TO:<x@example.net>");
        c.command("DATA");
        c.command("Subject: t\r\n\r\nx\r\n.");
      }
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
      assertEquals("bob", m.authenticatedUser().orElseThrow());
      assertEquals("XOAUTH2", m.authMechanism().orElseThrow());
    }
  }

  @Test void oauthBearer() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE)
        .authMechanisms("OAUTHBEARER").token("bob@example.org", "tok").build().start();
         RawSmtpClient c = ehlo(server)) {
      List<String> bad = c.command("AUTH OAUTHBEARER " + b64("n,a=bob@example.org,\u0001host=x\u0001auth=Bearer nope\u0001\u0001"));
      assertTrue(decode(bad.get(0).substring(4)).contains("invalid_token"));
      assertEquals("535 5.7.8 Username and Password not accepted", c.command(b64("\u0001")).get(0));
      assertEquals("235 2.7.0 Authentication successful",
          c.command("AUTH OAUTHBEARER " + b64("n,a=bob@example.org,\u0001host=x\u0001auth=Bearer tok\u0001\u0001")).get(0));
    }
  }

  @Test void sequenceAndSyntaxErrors() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      assertEquals("503 5.5.1 Send HELO/EHLO first", c.command("MAIL FROM:<a@example.org>").get(0));
      assertEquals("501 5.5.4 Syntax: EHLO hostname", c.command("EHLO").get(0));
      c.command("EHLO me");
      assertEquals("502 5.5.1 STARTTLS not offered", c.command("STARTTLS").get(0));
      assertEquals("503 5.5.1 Need MAIL before RCPT", c.command("RCPT TO:<b@example.net>").get(0));
      assertEquals("503 5.5.1 Need MAIL command", c.command("DATA").get(0));
      assertTrue(c.command("MAIL FROM:a@example.org").get(0).startsWith("501 5.5.4"));
      assertTrue(c.command("MAIL FROM:<a@example.org> FOO=BAR").get(0).startsWith("555 5.5.4"));
      assertTrue(c.command("MAIL FROM:<a@example.org> SIZE=999999999999").get(0).startsWith("552 5.3.4"));
      assertTrue(c.command("MAIL FROM:<jörg@example.org>").get(0).startsWith("553 5.6.7"));
      assertTrue(c.command("MAIL FROM:<> BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=x").get(0).startsWith("250"));
      assertEquals("503 5.5.1 Nested MAIL command", c.command("MAIL FROM:<a@example.org>").get(0));
      assertEquals("554 5.5.1 No valid recipients", c.command("DATA").get(0));
      assertTrue(c.command("RCPT TO:<jörg@example.net>").get(0).startsWith("250"));
      assertTrue(c.command("VRFY bob").get(0).startsWith("252"));
      assertTrue(c.command("EXPN list").get(0).startsWith("502"));
      assertTrue(c.command("HELP").get(0).startsWith("214"));
      assertTrue(c.command("FOO").get(0).startsWith("500 5.5.1"));
      assertTrue(c.command("BDAT 3 LAST").get(0).startsWith("500"), "no CHUNKING by default");
      c.command("DATA");
      c.command("Subject: ü\r\n\r\n.");
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
      assertEquals("", m.envelope().sender());
      assertEquals(List.of("jörg@example.net"), m.envelope().recipients());
      assertEquals("", m.mailParameters().get("SMTPUTF8"));
      assertEquals("8BITMIME", m.mailParameters().get("BODY"));
    }
  }

  @Test void messageSizeAndLineLengthAreBounded() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).maxMessageSize(100)
        .maxLineLength(100).build().start();
         RawSmtpClient c = ehlo(server)) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
          c.command("Subject: big\r\n\r\n" + "x".repeat(80) + "\r\n" + "y".repeat(80) + "\r\n.").get(0));
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      assertTrue(c.command("Subject: long\r\n\r\n" + "z".repeat(99) + "\r\n.").get(0).startsWith("500 5.5.2 Line too long"));
      assertEquals("500 5.5.2 Line too long", c.command("NOOP " + "n".repeat(20_000)).get(0));
      assertTrue(c.command("NOOP").get(0).startsWith("250"), "the session survives");
      assertEquals(0, server.messageCount());
    }
  }

  @Test void chunkingWithBdat() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).chunking(true).build().start();
         RawSmtpClient c = ehlo(server)) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      String part1 = "Subject: chunks\r\n\r\n";
      String part2 = ".not stuffed\r\n";
      c.send("BDAT " + part1.length() + "\r\n" + part1);
      assertEquals("250 2.0.0 " + part1.length() + " octets received", c.line());
      c.send("BDAT " + part2.length() + " LAST\r\n" + part2);
      assertTrue(c.line().startsWith("250 2.0.0 OK: queued as"));
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(2));
      assertTrue(m.chunked());
      assertEquals(part1 + part2, m.rawText());
    }
  }

  @Test void profileAimsAtTheServer() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().user("bob", "secret").user("eve", "x").build().start()) {
      Config p = server.profile();
      assertEquals("smtp", p.getString("transport"));
      assertEquals("127.0.0.1", p.getString("host"));
      assertEquals(server.port(), p.getInt("port"));
      assertEquals("starttls", p.getString("tls"));
      assertEquals("bob", p.getString("username"));
      assertEquals("secret", p.getString("password"));
      Path pem = Path.of(p.getString("tls-trust"));
      assertEquals(server.certificatePem(), Files.readString(pem));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
      assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("localhost")));
      assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("127.0.0.1")));
      server.close();
      assertFalse(Files.exists(pem), "close() deletes the certificate file");
    }
    try (MockSmtpServer plain = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      assertEquals("none", plain.profile().getString("tls"));
      assertFalse(plain.profile().hasPath("tls-trust"));
      assertFalse(plain.profile().hasPath("username"));
    }
  }

  @Test void wrongHostCertificateNamesAnotherHost() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().wrongHostCertificate().build()) {
      X509Certificate cert = server.certificate();
      assertEquals(List.of("wrong.example"), cert.getSubjectAlternativeNames().stream().map(san -> san.get(1)).toList());
    }
  }

  @Test void idleClientIsDisconnectedAfterTheReadTimeout() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().readTimeout(Duration.ofMillis(300)).build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      assertTrue(c.reply().get(0).startsWith("421 4.4.2"));
      assertTrue(c.closedByServer());
    }
  }

  @Test void takeMessageReturnsNullOnTimeoutAndCloseEndsSessions() throws Exception {
    MockSmtpServer server = MockSmtpServer.builder().build();
    assertFalse(server.isRunning());
    server.start();
    assertTrue(server.isRunning());
    assertNull(server.takeMessage(Duration.ofMillis(50)));
    try (RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      server.close();
      server.close();
      assertFalse(server.isRunning());
      assertTrue(c.closedByServer());
    }
    assertThrows(IllegalStateException.class, server::start);
  }

  @Test void listenerAndTranscriptSeeEverySession() throws Exception {
    List<RecordedMessage> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).onMessage(seen::add).build().start()) {
      for (int i = 0; i < 2; i++) {
        try (RawSmtpClient c = ehlo(server)) {
          c.command("MAIL FROM:<a@example.org>");
          c.command("RCPT TO:<b@example.net>");
          c.command("DATA");
          c.command("Subject: " + i + "\r\n\r\n.");
          c.command("QUIT");
        }
      }
      assertEquals(2, seen.size());
      List<RecordedMessage> both = server.takeMessages(2, Duration.ofSeconds(2));
      assertEquals(List.of(0, 1), both.stream().map(RecordedMessage::index).toList());
      assertEquals(2, server.messages().size());
      assertEquals(List.of(1, 2), server.messages().stream().map(RecordedMessage::session).toList());
      assertTrue(server.transcript().contains("#2 C: Subject: 1") || server.transcriptText().contains("#2 C: <message:"));
      assertTrue(seen.get(1).transcript().get(0).startsWith("*: connected"));
    }
  }

  @Test void profileForATokenUserAndForANamedUser() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().token("bob@example.org", "ya29.t").user("eve", "pw").build().start()) {
      assertEquals("eve", server.profile().getString("username"), "password users come first");
      Config bob = server.profile("bob@example.org");
      assertEquals("ya29.t", bob.getString("token"));
      assertFalse(bob.hasPath("password"));
      assertThrows(IllegalArgumentException.class, () -> server.profile("nobody"));
    }
    try (MockSmtpServer server = MockSmtpServer.builder().token("bob@example.org", "ya29.t").build().start()) {
      assertEquals("bob@example.org", server.profile().getString("username"));
      assertEquals("ya29.t", server.profile().getString("token"));
    }
  }

  @Test void resetForgetsMessagesScriptAndTranscript() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      server.script(Fault.at(dev.herald.mail.Stage.QUIT).drop());
      try (RawSmtpClient c = ehlo(server)) {
        c.command("MAIL FROM:<a@example.org>");
        c.command("RCPT TO:<b@example.net>");
        c.command("DATA");
        c.command("Subject: x\r\n\r\n.");
      }
      // The session notes its end on its own thread: wait for it, or those lines could come after the reset.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!server.transcript().contains("#1 *: closed") && System.nanoTime() < deadline) Thread.sleep(5);
      assertEquals(1, server.messages().size());
      server.reset();
      assertEquals(List.of(), server.messages());
      assertEquals(List.of(), server.pendingFaults());
      assertEquals(List.of(), server.transcript());
      assertNull(server.takeMessage(Duration.ZERO));
    }
  }

  @Test void tooManyConnectionsGet421() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().maxConnections(1).build().start();
         RawSmtpClient first = new RawSmtpClient(server.host(), server.port())) {
      assertTrue(first.reply().get(0).startsWith("220"));
      try (RawSmtpClient second = new RawSmtpClient(server.host(), server.port())) {
        assertEquals(List.of("421 4.3.2 Too many connections, try later"), second.reply());
      }
    }
  }

  @Test void dispatcherSeesTheMessageSizeAtDataEnd() throws Exception {
    List<SmtpCommand> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      server.dispatcher(cmd -> {
        seen.add(cmd);
        return cmd.stage() == dev.herald.mail.Stage.DATA_END && cmd.messageSize() > 10
            ? new Fault.Reply(552, List.of("5.3.4 Too big for this test"), false) : null;
      });
      try (RawSmtpClient c = ehlo(server)) {
        c.command("MAIL FROM:<a@example.org>");
        c.command("RCPT TO:<b@example.net>");
        c.command("DATA");
        assertEquals("552 5.3.4 Too big for this test", c.command("Subject: x\r\n\r\nmore than ten\r\n.").get(0));
        assertTrue(c.command("NOOP").get(0).startsWith("250"));
      }
      assertEquals(0, server.messageCount());
      assertEquals(List.of("", "EHLO", "MAIL", "RCPT", "DATA", "", "NOOP"), seen.stream().map(SmtpCommand::verb).toList());
      assertEquals(1, seen.get(0).session());
      assertNull(seen.get(6).stage(), "NOOP has no stage");
    }
  }

  @Test void serverThreadsAreDaemonsAndEndOnClose() throws Exception {
    MockSmtpServer server = MockSmtpServer.builder().build().start();
    try (RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.reply();
      List<Thread> mine = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("MockSmtpServer-")).toList();
      assertFalse(mine.isEmpty());
      assertTrue(mine.stream().allMatch(Thread::isDaemon));
      server.close();
      for (Thread t : mine) t.join(5000);
      assertTrue(mine.stream().noneMatch(Thread::isAlive));
    }
  }

  @Test void tls12IsAcceptedAndOlderIsNot() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.IMPLICIT).build().start()) {
      javax.net.ssl.SSLSocketFactory f = server.clientSslContext().getSocketFactory();
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) f.createSocket(server.host(), server.port())) {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setSoTimeout(5000);
        s.startHandshake();
        assertEquals("TLSv1.2", s.getSession().getProtocol());
        assertTrue(new RawSmtpClient(s).reply().get(0).startsWith("220 "));
      }
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) f.createSocket(server.host(), server.port())) {
        List<String> old = List.of(s.getSupportedProtocols()).contains("TLSv1.1") ? List.of("TLSv1.1") : List.of();
        if (!old.isEmpty()) {
          s.setEnabledProtocols(old.toArray(new String[0]));
          s.setSoTimeout(5000);
          assertThrows(javax.net.ssl.SSLException.class, s::startHandshake);
        }
      }
    }
  }

  @Test void plaintextClientOnAnImplicitTlsPortGetsNothing() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.IMPLICIT).build().start();
         RawSmtpClient c = new RawSmtpClient(server.host(), server.port())) {
      c.send("EHLO plain\r\n");
      String l = c.line();
      assertTrue(l == null || !l.startsWith("220"), "no SMTP greeting in plaintext: " + l);
      long deadline = System.currentTimeMillis() + 5000;
      while (!server.transcriptText().contains("TLS failed") && System.currentTimeMillis() < deadline) Thread.sleep(20);
      assertTrue(server.transcriptText().contains("TLS failed"), server.transcriptText());
      assertEquals(0, server.messageCount());
    }
  }

  @Test void parametersOfDisabledExtensionsAreRefused() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).smtpUtf8(false)
        .eightBitMime(false).dsn(false).size(-1).authMechanisms().build().start();
         RawSmtpClient c = ehlo(server)) {
      for (String p : List.of("SMTPUTF8", "BODY=8BITMIME", "RET=FULL", "ENVID=x", "SIZE=10", "AUTH=<>")) {
        assertTrue(c.command("MAIL FROM:<a@example.org> " + p).get(0).startsWith("555 5.5.4"), p);
      }
      assertTrue(c.command("MAIL FROM:<a@example.org>").get(0).startsWith("250"));
      assertTrue(c.command("RCPT TO:<b@example.net> NOTIFY=NEVER").get(0).startsWith("555 5.5.4"));
      assertTrue(c.command("RCPT TO:<b@example.net> ORCPT=rfc822;b@example.net").get(0).startsWith("555 5.5.4"));
    }
  }

  @Test void takeMessagesPutsBackWhatItTookWhenTooFewCame() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
         RawSmtpClient c = ehlo(server)) {
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      c.command("Subject: only one\r\n\r\n.");
      AssertionError e = assertThrows(AssertionError.class, () -> server.takeMessages(2, Duration.ofMillis(100)));
      assertTrue(e.getMessage().contains("got 1"), e.getMessage());
      assertEquals("only one", server.takeMessage(Duration.ZERO).subject());
    }
  }
}

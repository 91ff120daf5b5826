package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Angus Mail's SMTP transport, an independent client, against the mock server. */
class AngusClientIT {
  private MockSmtpServer server;

  @AfterEach void stop() {
    if (server != null) server.close();
  }

  private Properties props(String mechanism) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "localhost");
    p.put("mail.smtp.port", String.valueOf(server.port()));
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.timeout", "5000");
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", server.clientSslContext().getSocketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.ssl.protocols", "TLSv1.2 TLSv1.3");
    if (mechanism != null) {
      p.put("mail.smtp.auth", "true");
      p.put("mail.smtp.auth.mechanisms", mechanism);
    }
    return p;
  }

  private MimeMessage message(Session session, String text) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("alice@example.org"));
    m.setRecipients(Message.RecipientType.TO, "bob@example.net");
    m.setRecipients(Message.RecipientType.BCC, "carol@example.net");
    m.setSubject("Grüße aus Köln", "UTF-8");
    m.setText(text, "UTF-8");
    m.saveChanges();
    return m;
  }

  private void send(Session session, MimeMessage m, String user, String password) throws MessagingException {
    try (jakarta.mail.Transport t = session.getTransport("smtp")) {
      if (user == null) t.connect(); else t.connect(user, password);
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  @Test void startTlsAndAuthPlain() throws Exception {
    server = MockSmtpServer.builder().user("bob", "secret").build().start();
    Session session = Session.getInstance(props("PLAIN"));
    send(session, message(session, "Hello Bob"), "bob", "secret");

    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertNotNull(m, server.transcriptText());
    assertTrue(m.tls());
    assertTrue(m.tlsProtocol().orElseThrow().startsWith("TLSv1."));
    assertEquals("bob", m.authenticatedUser().orElseThrow());
    assertEquals("PLAIN", m.authMechanism().orElseThrow());
    assertEquals("alice@example.org", m.envelope().sender());
    assertEquals(List.of("bob@example.net", "carol@example.net"), m.envelope().recipients());
    assertEquals("Grüße aus Köln", m.mime().getSubject());
    assertNull(m.mime().getHeader("Bcc"));
    assertEquals("Hello Bob", ((String) m.mime().getContent()).strip());
    assertTrue(m.transcript().contains("C: STARTTLS"));
    // EHLO is sent again after STARTTLS, and AUTH only after TLS
    int auth = indexOfPrefix(m.transcript(), "C: AUTH PLAIN ");
    assertTrue(auth > m.transcript().indexOf("C: STARTTLS"), m.transcript().toString());
  }

  private static int indexOfPrefix(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i;
    return -1;
  }

  @Test void authLogin() throws Exception {
    server = MockSmtpServer.builder().authMechanisms("LOGIN").user("bob", "secret").build().start();
    Session session = Session.getInstance(props("LOGIN"));
    send(session, message(session, "via LOGIN"), "bob", "secret");
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertEquals("LOGIN", m.authMechanism().orElseThrow());
    assertEquals("bob", m.authenticatedUser().orElseThrow());
  }

  @Test void wrongPasswordIsRejectedWith535() throws Exception {
    server = MockSmtpServer.builder().user("bob", "secret").build().start();
    Session session = Session.getInstance(props("PLAIN"));
    MimeMessage msg = message(session, "x");
    jakarta.mail.AuthenticationFailedException e = assertThrows(jakarta.mail.AuthenticationFailedException.class,
        () -> send(session, msg, "bob", "wrong"));
    assertTrue(e.getMessage().contains("535 5.7.8"), e.getMessage());
    assertEquals(0, server.messageCount());
  }

  @Test void xoauth2WithABearerToken() throws Exception {
    server = MockSmtpServer.builder().token("bob@example.org", "ya29.good").build().start();
    Session session = Session.getInstance(props("XOAUTH2"));
    send(session, message(session, "via XOAUTH2"), "bob@example.org", "ya29.good");
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertEquals("XOAUTH2", m.authMechanism().orElseThrow());
    assertEquals("bob@example.org", m.authenticatedUser().orElseThrow());

    MimeMessage msg = message(session, "x");
    jakarta.mail.AuthenticationFailedException e = assertThrows(jakarta.mail.AuthenticationFailedException.class,
        () -> send(session, msg, "bob@example.org", "ya29.expired"));
    // Angus reports the 334 error challenge itself (it does not answer it); the server sent Gmail's JSON.
    assertTrue(e.getMessage().contains("334 eyJzdGF0dXMiOiI0MDEi"), e.getMessage());
    assertEquals(1, server.messageCount());
  }

  @Test void dotLeadingLinesArriveIntact() throws Exception {
    server = MockSmtpServer.builder().build().start();
    Session session = Session.getInstance(props(null));
    String body = "first\r\n.\r\n..two dots\r\n.leading dot\r\nlast\r\n";
    MimeMessage msg = message(session, body);
    msg.setHeader("Content-Transfer-Encoding", "7bit");
    send(session, msg, null, null);
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    String raw = m.rawText();
    assertEquals(body, raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertEquals(body, m.mime().getContent());
  }

  @Test void implicitTls() throws Exception {
    server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.IMPLICIT).user("bob", "secret").build().start();
    Properties p = props("PLAIN");
    p.remove("mail.smtp.starttls.enable");
    p.remove("mail.smtp.starttls.required");
    p.put("mail.smtp.ssl.enable", "true");
    Session session = Session.getInstance(p);
    send(session, message(session, "implicit"), "bob", "secret");
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertTrue(m.tls());
    assertFalse(m.transcript().contains("C: STARTTLS"));
  }

  @Test void wrongHostCertificateFailsHostNameCheck() throws Exception {
    server = MockSmtpServer.builder().wrongHostCertificate().build().start();
    Session session = Session.getInstance(props(null));
    MimeMessage msg = message(session, "x");
    MessagingException e = assertThrows(MessagingException.class, () -> send(session, msg, null, null));
    Throwable t = e;
    while (t != null && !(t instanceof javax.net.ssl.SSLHandshakeException)) t = t.getCause();
    assertNotNull(t, "expected a TLS handshake failure in the cause chain: " + e);
    assertTrue(String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("localhost")
        || String.valueOf(t.getCause()).contains("localhost"), "the host name check failed: " + t);
    assertEquals(0, server.messageCount());
  }
}

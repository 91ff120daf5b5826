package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TlsException;
import dev.herald.mail.smtp.testing.Outgoings;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.smtp.testing.TestCertificates;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against GreenMail, an independent in-JVM server: implicit TLS (SMTPS) and plain SMTP, with AUTH.
 * GreenMail has no STARTTLS; see {@link SubEthaSmtpIT}.
 */
@Timeout(30)
class GreenMailIT {
  private static TestCertificates cert;
  private static GreenMail greenMail;
  private final RecordingTrace trace = new RecordingTrace();

  @BeforeAll static void start() {
    // GreenMail reads its key store once per JVM: a certificate for localhost only (not 127.0.0.1).
    cert = TestCertificates.create(Path.of("target", "test-certs"), "greenmail-localhost", "dns:localhost");
    System.setProperty("greenmail.tls.keystore.file", cert.keyStore().toAbsolutePath().toString());
    System.setProperty("greenmail.tls.keystore.password", TestCertificates.PASSWORD);
    System.setProperty("greenmail.tls.key.password", TestCertificates.PASSWORD);
    ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
    ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
    // GreenMail's 2 s start-up wait is too short on a busy 2-core CI machine (its SMTPS setup
    // builds a key store first): allow 30 s.
    smtps.setServerStartupTimeout(30_000);
    smtp.setServerStartupTimeout(30_000);
    greenMail = new GreenMail(new ServerSetup[] {smtps, smtp});
    greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("bob@example.org", "bob", "s3cret-pass"));
    greenMail.start();
  }

  @AfterAll static void stop() {
    greenMail.stop();
  }

  @BeforeEach void purge() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  private SmtpTransport.Builder smtps(String host) {
    return SmtpTransport.builder().host(host).port(greenMail.getSmtps().getPort()).tls(TlsPolicy.IMPLICIT)
        .trust(cert.pem()).replyTimeout(Duration.ofSeconds(5)).trace(trace);
  }

  @Test void implicitTlsWithAuthPlain() throws Exception {
    try (SmtpTransport t = smtps("localhost").login("bob", CredentialSource.of("s3cret-pass")).auth("plain").build()) {
      SendReceipt r = t.send(envelope("bob@example.org"), text("over TLS\r\n"));
      assertEquals(List.of("bob@example.org"), r.accepted());
    }
    assertTrue(greenMail.waitForIncomingEmail(5000, 1));
    MimeMessage m = greenMail.getReceivedMessages()[0];
    assertEquals("test", m.getSubject());
    assertTrue(trace.text().contains("* TLS established: TLSv1."), trace.text());
  }

  @Test void implicitTlsWithAuthLogin() {
    try (SmtpTransport t = smtps("localhost").login("bob", CredentialSource.of("s3cret-pass")).auth("login").build()) {
      t.send(envelope("bob@example.org"), text("x"));
    }
    assertTrue(greenMail.waitForIncomingEmail(5000, 1));
    assertTrue(trace.text().contains("> AUTH LOGIN"), trace.text());
  }

  @Test void wrongPasswordIsAuthenticationException() {
    try (SmtpTransport t = smtps("localhost").login("bob", CredentialSource.of("nope-nope")).auth("plain").build()) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("bob@example.org"), text("x")));
      assertEquals(535, e.replyCode());
      assertTrue(!e.getMessage().contains("nope-nope"));
    }
  }

  @Test void certificateForAnotherNameIsRefused() {
    // The certificate names localhost, not 127.0.0.1.
    try (SmtpTransport t = smtps("127.0.0.1").build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("bob@example.org"), text("x")));
      assertTrue(e.getMessage().contains("not valid for the name '127.0.0.1'"), e.getMessage());
    }
  }

  @Test void untrustedCertificateIsRefused() {
    try (SmtpTransport t = smtps("localhost").trust(null).build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("bob@example.org"), text("x")));
      assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }
  }

  @Test void checkReportsTlsAndCertificate() {
    try (SmtpTransport t = smtps("localhost").login("bob", CredentialSource.of("s3cret-pass")).auth("plain").build()) {
      Map<String, String> c = t.check();
      assertTrue(c.get("tls").startsWith("TLSv1."), c.toString());
      assertEquals("CN=greenmail-localhost", c.get("certificate"));
      assertEquals("PLAIN", c.get("auth"));
    }
  }

  @Test void plainSmtpBatchOverOneConnection() throws Exception {
    try (SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(greenMail.getSmtp().getPort())
        .tls(TlsPolicy.NONE).credentials(Credentials.password("bob", CredentialSource.of("s3cret-pass")))
        .maxConnections(1).trace(trace).build()) {
      List<SendOutcome> out = t.sendAll(Outgoings.to("bob@example.org", 20));
      assertTrue(out.stream().allMatch(SendOutcome::sent), out.toString());
    }
    assertTrue(greenMail.waitForIncomingEmail(5000, 20));
    assertEquals(1, trace.clientLines("EHLO"));
  }

  @Test void dotStuffingAndLineEndingsSurviveAnIndependentServer() throws Exception {
    try (SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(greenMail.getSmtp().getPort())
        .tls(TlsPolicy.NONE).build()) {
      t.send(envelope("bob@example.org"), dev.herald.mail.smtp.testing.Messages.exact(
          "Subject: dots\n\n.first\n..second\nbare\rcr\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
    assertTrue(greenMail.waitForIncomingEmail(5000, 1));
    String body = ((String) greenMail.getReceivedMessages()[0].getContent()).replace("\r\n", "\n");
    // GreenMail drops the last line ending of the body.
    assertEquals(".first\n..second\nbare\ncr", body.stripTrailing());
  }
}

package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.TlsException;
import dev.herald.mail.smtp.testing.Outgoings;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.smtp.testing.TestCertificates;
import dev.herald.mail.spi.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/** Against SubEthaSMTP, an independent server with STARTTLS and AUTH PLAIN/LOGIN. */
@Timeout(30)
class SubEthaSmtpIT {
  private static TestCertificates good;
  private static TestCertificates wrongName;
  private static TestCertificates expiredViaCa;
  private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final RecordingTrace trace = new RecordingTrace();
  private SMTPServer server;

  @BeforeAll static void certificates() {
    good = TestCertificates.create(Path.of("target", "test-certs"), "subetha-localhost", "dns:localhost,ip:127.0.0.1");
    wrongName = TestCertificates.create(Path.of("target", "test-certs"), "subetha-wrong", "dns:wrong.example");
    // Signed by a CA that tls-trust holds (as a private CA's users set it); expired 8 days ago.
    expiredViaCa = TestCertificates.signedByCa(Path.of("target", "test-certs"), "subetha-ca-expired",
        "dns:localhost,ip:127.0.0.1", "-10d");
  }

  @AfterEach void stop() {
    if (server != null) server.stop();
  }

  private int start(TestCertificates cert, boolean tls, boolean requireTls) {
    SMTPServer.Builder b = SMTPServer.port(0).bindAddress(java.net.InetAddress.getLoopbackAddress())
        .hostName("localhost")
        .messageHandler((ctx, from, to, data) -> received.add(data))
        .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
          if (!user.equals("bob") || !password.equals("s3cret-pass")) throw new LoginFailedException("bad credentials");
        }))
        .connectionTimeout(10, TimeUnit.SECONDS);
    if (tls) b.enableTLS().startTlsSocketFactory(cert.serverContext());
    if (requireTls) b.requireTLS();
    server = b.build();
    server.start();
    return server.getPortAllocated();
  }

  private SmtpTransport.Builder client(int port, TestCertificates trust) {
    return SmtpTransport.builder().host("127.0.0.1").port(port).tls(TlsPolicy.STARTTLS).trust(trust.pem())
        .replyTimeout(Duration.ofSeconds(5)).trace(trace);
  }

  @Test void starttlsThenAuthPlain() throws Exception {
    int port = start(good, true, true);
    try (SmtpTransport t = client(port, good).login("bob", CredentialSource.of("s3cret-pass")).auth("plain").build()) {
      SendReceipt r = t.send(envelope("alice@example.net"), text("via STARTTLS\r\n"));
      assertEquals(List.of("alice@example.net"), r.accepted());
    }
    String got = new String(received.poll(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    assertTrue(got.contains("via STARTTLS"), got);
    assertEquals(2, trace.clientLines("EHLO"));
    assertTrue(trace.text().contains("* TLS established"));
  }

  @Test void starttlsThenAuthLogin() throws Exception {
    int port = start(good, true, true);
    try (SmtpTransport t = client(port, good).login("bob", CredentialSource.of("s3cret-pass")).auth("login").build()) {
      t.send(envelope("alice@example.net"), text("x"));
    }
    assertTrue(received.poll(5, TimeUnit.SECONDS) != null);
    assertTrue(trace.text().contains("> AUTH LOGIN"));
  }

  @Test void authFailure() {
    int port = start(good, true, true);
    for (String mech : List.of("plain", "login")) {
      try (SmtpTransport t = client(port, good).login("bob", CredentialSource.of("wrong-pass")).auth(mech).build()) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("a@example.net"), text("x")));
        assertEquals(535, e.replyCode());
        assertFalse(e.getMessage().contains("wrong-pass"));
      }
    }
    assertFalse(trace.text().contains("wrong-pass"));
  }

  @Test void starttlsRequiredButMissing() {
    int port = start(good, false, false);
    try (SmtpTransport t = client(port, good).login("bob", CredentialSource.of("s3cret-pass")).build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
      assertTrue(e.getMessage().contains("does not offer STARTTLS"), e.getMessage());
    }
    assertEquals(0, trace.clientLines("AUTH"));
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void wrongHostNameCertificate() {
    int port = start(wrongName, true, true);
    try (SmtpTransport t = client(port, wrongName).build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
      assertTrue(e.getMessage().contains("not valid for the name"), e.getMessage());
    }
  }

  @Test void untrustedCertificate() {
    int port = start(good, true, true);
    try (SmtpTransport t = client(port, wrongName).build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
      assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }
  }

  @Test void tlsTrustMayNameAPrivateCa() throws Exception {
    TestCertificates viaCa = TestCertificates.signedByCa(Path.of("target", "test-certs"), "subetha-ca-signed", "dns:localhost,ip:127.0.0.1");
    int port = start(viaCa, true, true);
    try (SmtpTransport t = client(port, viaCa).login("bob", CredentialSource.of("s3cret-pass")).build()) {
      Map<String, String> c = t.check();
      assertEquals("CN=subetha-ca-signed", c.get("certificate"));
      assertEquals("CN=subetha-ca-signed test CA", c.get("certificate issuer"));
      t.send(envelope("alice@example.net"), text("signed by a private CA\r\n"));
    }
    assertTrue(received.poll(5, TimeUnit.SECONDS) != null);
  }

  @Test void expiredCertificateFromATrustedCaSaysItExpired() {
    int port = start(expiredViaCa, true, true);
    try (SmtpTransport t = client(port, expiredViaCa).build()) {
      TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
      assertTrue(e.getMessage().contains(" expired on 20"), e.getMessage());
      assertFalse(e.getMessage().contains("not trusted"), e.getMessage());
      assertFalse(e.hint().orElseThrow().contains("tls-trust"), e.hint().orElseThrow());
    }
  }

  @Test void opportunisticUsesStarttlsWhenOffered() throws Exception {
    int port = start(good, true, false);
    try (SmtpTransport t = client(port, good).tls(TlsPolicy.OPPORTUNISTIC).build()) {
      Map<String, String> c = t.check();
      assertTrue(c.get("tls").startsWith("TLSv1."), c.toString());
      assertEquals("CN=subetha-localhost", c.get("certificate"));
    }
  }

  @Test void batchOverStarttlsWithAuth() throws Exception {
    int port = start(good, true, true);
    try (SmtpTransport t = client(port, good).login("bob", CredentialSource.of("s3cret-pass")).maxConnections(2).build()) {
      List<SendOutcome> out = t.sendAll(Outgoings.to("alice@example.net", 30));
      assertTrue(out.stream().allMatch(SendOutcome::sent), out.toString());
    }
    for (int i = 0; i < 30; i++) assertTrue(received.poll(5, TimeUnit.SECONDS) != null, "message " + i);
  }
}

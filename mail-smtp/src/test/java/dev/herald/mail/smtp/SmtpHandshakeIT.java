package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's handshake against mail-testkit's MockSmtpServer: EHLO/HELO, STARTTLS and implicit TLS with real handshakes, certificate checks, every AUTH mechanism, the check report, secrets kept out of the trace. */
class SmtpHandshakeIT extends SmtpClientFixture {

  @Test void starttlsRequiredUpgradesAndSendsEhloAgain() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass").authOnlyAfterTls(true));
    SendReceipt r = transport(server, bob()).send(envelope("alice@example.net"), text("hello\r\n"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.tls());
    assertEquals("bob", m.authenticatedUser().orElseThrow());
    assertEquals(List.of("alice@example.net"), r.accepted());
    assertTrue(r.serverReply().startsWith("250"));
    assertEquals(2, trace.clientLines("EHLO"), trace.text());
    int starttls = trace.lines().indexOf("> STARTTLS");
    assertTrue(starttls > 0 && trace.lines().subList(starttls, trace.lines().size()).contains("> EHLO " + m.heloName()));
  }

  @Test void starttlsRequiredButNotOfferedStopsBeforeAnySecret() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).user("bob", "s3cret-pass"));
    SmtpTransport t = transport(server, bob(), "tls", "starttls");
    TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.STARTTLS, e.stage());
    assertTrue(e.getMessage().contains("does not offer STARTTLS"), e.getMessage());
    assertEquals(dev.herald.mail.MailException.Reason.TLS_UNAVAILABLE, e.reason());
    assertTrue(e.hint().orElseThrow().contains("implicit"));
    assertEquals(0, trace.clientLines("AUTH"));
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void starttlsHandshakeFailureIsTlsException() {
    MockSmtpServer server = start(MockSmtpServer.builder());
    server.script(at(Stage.STARTTLS).failHandshake());
    SmtpTransport t = transport(server, Credentials.NONE);
    TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.STARTTLS, e.stage());
    assertEquals(dev.herald.mail.MailException.Reason.TLS_FAILED, e.reason());
  }

  @Test void implicitTls() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT).user("bob", "s3cret-pass"));
    transport(server, bob()).send(envelope("a@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.tls());
    assertTrue(m.tlsProtocol().orElseThrow().startsWith("TLSv1."));
    assertEquals(0, trace.clientLines("STARTTLS"));
  }

  @Test void wrongHostNameCertificateIsRefused() {
    MockSmtpServer server = start(MockSmtpServer.builder().wrongHostCertificate());
    SmtpTransport t = transport(server, bob());
    TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertTrue(e.getMessage().contains("not valid for the name"), e.getMessage());
    assertEquals(dev.herald.mail.MailException.Reason.TLS_UNTRUSTED, e.reason());
    assertEquals(0, trace.clientLines("AUTH"));
  }

  @Test void untrustedCertificateIsRefusedWithoutTlsTrust() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT));
    SmtpTransport t = transport(server, Credentials.NONE, "tls-trust", "");
    TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.CONNECT, e.stage());
    assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("tls-trust"));
  }

  @Test void starttlsInjectionIsRefused() {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    server.script(at(Stage.STARTTLS).injectAfterReady("250-PIPELINING\r\n250 AUTH PLAIN\r\n"));
    SmtpTransport t = transport(server, bob());
    MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.STARTTLS, e.stage());
    assertTrue(e.getMessage().contains("injection"), e.getMessage());
    assertEquals(0, trace.clientLines("AUTH"));
  }

  @Test void opportunisticWithoutStarttlsRefusesAuthOverPlaintext() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).user("bob", "s3cret-pass"));
    SmtpTransport t = transport(server, bob(), "tls", "opportunistic");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertTrue(e.getMessage().contains("unencrypted"), e.getMessage());
    assertEquals(0, trace.clientLines("AUTH"));
  }

  @Test void plaintextAuthAllowedToLoopbackWithTlsNone() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).user("bob", "s3cret-pass"));
    transport(server, bob()).send(envelope("a@example.net"), text("x"));
    assertEquals("bob", server.takeMessage(TAKE).authenticatedUser().orElseThrow());
  }

  @Test void authPlain() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    transport(server, bob(), "auth", List.of("plain")).send(envelope("a@example.net"), text("x"));
    assertEquals("PLAIN", server.takeMessage(TAKE).authMechanism().orElseThrow().toUpperCase());
  }

  @Test void authLogin() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    transport(server, bob(), "auth", List.of("login")).send(envelope("a@example.net"), text("x"));
    assertEquals("LOGIN", server.takeMessage(TAKE).authMechanism().orElseThrow().toUpperCase());
  }

  @Test void authFailureIsAuthenticationExceptionWithReplyFacts() {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    Credentials wrong = Credentials.password("bob", CredentialSource.of("wrong-password"));
    for (String mech : List.of("plain", "login")) {
      SmtpTransport t = transport(server, wrong, "auth", List.of(mech));
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("a@example.net"), text("x")));
      assertEquals(Stage.AUTH, e.stage());
      assertEquals(535, e.replyCode());
      assertTrue(e.enhancedCode().orElseThrow().startsWith("5.7."));
      assertFalse(e.getMessage().contains("wrong-password"));
    }
  }

  @Test void authTransient454IsTransient() {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    server.script(at(Stage.AUTH).reply(454, "4.7.0 Temporary authentication failure"));
    SmtpTransport t = transport(server, bob());
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertFalse(((Object) e) instanceof AuthenticationException);
    assertEquals(454, e.replyCode());
    assertEquals("4.7.0", e.enhancedCode().orElseThrow());
  }

  @Test void xoauth2Success() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().token("bob@example.org", "ya29.good-token"));
    Credentials token = Credentials.token("bob@example.org", CredentialSource.of("ya29.good-token"));
    transport(server, token).send(envelope("a@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertEquals("XOAUTH2", m.authMechanism().orElseThrow().toUpperCase());
    assertEquals("bob@example.org", m.authenticatedUser().orElseThrow());
  }

  @Test void oauthbearerSuccess() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().authMechanisms("OAUTHBEARER").token("bob@example.org", "ya29.good-token"));
    Credentials token = Credentials.token("bob@example.org", CredentialSource.of("ya29.good-token"));
    transport(server, token).send(envelope("a@example.net"), text("x"));
    assertEquals("OAUTHBEARER", server.takeMessage(TAKE).authMechanism().orElseThrow().toUpperCase());
  }

  /** An expired cached token: 334 JSON challenge, empty line, 535; then invalidate, fetch anew, and succeed. */
  @Test void xoauth2ExpiredTokenIsRefreshedOnce() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().token("bob@example.org", "fresh-token"));
    FakeTokens tokens = new FakeTokens("expired-token", "fresh-token");
    transport(server, Credentials.token("bob@example.org", tokens)).send(envelope("a@example.net"), text("x"));
    assertEquals("bob@example.org", server.takeMessage(TAKE).authenticatedUser().orElseThrow());
    assertEquals(1, tokens.invalidations.get());
    assertEquals(2, tokens.gets.get());
    assertFalse(trace.text().contains("expired-token") || trace.text().contains("fresh-token"));
  }

  @Test void xoauth2FailureAfterRefreshIsAuthenticationException() {
    MockSmtpServer server = start(MockSmtpServer.builder().token("bob@example.org", "the-real-one"));
    FakeTokens tokens = new FakeTokens("bad-1", "bad-2");
    SmtpTransport t = transport(server, Credentials.token("bob@example.org", tokens));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(535, e.replyCode());
    assertEquals(2, tokens.gets.get());
    assertFalse(e.getMessage().contains("bad-"));
  }

  @Test void noMechanismInCommonListsBothSides() {
    MockSmtpServer server = start(MockSmtpServer.builder().authMechanisms("XOAUTH2").user("bob", "s3cret-pass"));
    SmtpTransport t = transport(server, bob(), "auth", List.of("plain", "login"));
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertTrue(e.getMessage().contains("XOAUTH2") && e.getMessage().contains("plain, login"), e.getMessage());
  }

  @Test void credentialsAreFetchedAtEveryNewConnection() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    FakeTokens password = new FakeTokens("s3cret-pass", "s3cret-pass", "s3cret-pass");
    SmtpTransport t = transport(server, Credentials.password("bob", password), "max-messages-per-connection", 1);
    t.send(envelope("a@example.net"), text("1"));
    t.send(envelope("a@example.net"), text("2"));
    assertEquals(2, password.gets.get());
    assertEquals(2, server.sessionCount());
  }

  @Test void heloFallbackWhenEhloIsRefused() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.EHLO).reply(502, "5.5.2 Command not recognized").once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net"), text("x"));
    assertEquals(1, trace.clientLines("HELO"));
    assertNotNull(server.takeMessage(TAKE));
    // Without EHLO there is no PIPELINING and no SIZE parameter.
    assertTrue(trace.lines().contains("> MAIL FROM:<sender@example.org>"), trace.text());
  }

  @Test void traceRedactsSecretsAndElidesContent() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass").token("bob", "tok-123456"));
    for (String mech : List.of("plain", "login")) {
      transport(server, bob(), "auth", List.of(mech)).send(envelope("a@example.net"), text("top secret body\r\n"));
    }
    transport(server, Credentials.token("bob", CredentialSource.of("tok-123456")), "auth", List.of("xoauth2"))
        .send(envelope("a@example.net"), text("top secret body\r\n"));
    String all = trace.text();
    String b64pass = java.util.Base64.getEncoder().encodeToString("s3cret-pass".getBytes(StandardCharsets.UTF_8));
    String b64plain = java.util.Base64.getEncoder().encodeToString("\0bob\0s3cret-pass".getBytes(StandardCharsets.UTF_8));
    for (String secret : List.of("s3cret-pass", b64pass, b64plain, "tok-123456", "top secret body")) {
      assertFalse(all.contains(secret), "trace shows " + secret + ":\n" + all);
    }
    assertTrue(all.contains("> AUTH PLAIN <redacted>"), all);
    assertTrue(all.contains("> AUTH XOAUTH2 <redacted>"), all);
    assertTrue(all.contains("> <message "), all);
    // Failures never show the secret either.
    MailException e = assertThrows(MailException.class, () -> transport(server,
        Credentials.password("bob", CredentialSource.of("hunter2-wrong")), "auth", List.of("plain")).send(envelope("a@example.net"), text("x")));
    for (Throwable x = e; x != null; x = x.getCause()) assertFalse(String.valueOf(x.getMessage()).contains("hunter2"));
  }

  @Test void checkReportsTheHandshake() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().user("bob", "s3cret-pass"));
    Map<String, String> c = transport(server, bob()).check();
    assertTrue(c.get("greeting").startsWith("220"), c.toString());
    assertTrue(c.get("capabilities").contains("PIPELINING"), c.toString());
    assertTrue(c.get("tls").startsWith("TLSv1."), c.toString());
    assertNotNull(c.get("cipher"));
    assertTrue(c.get("certificate").contains("localhost"), c.toString());
    assertNotNull(c.get("certificate expires"));
    assertEquals("PLAIN", c.get("auth"));
    assertEquals(0, server.messageCount());
    assertEquals(List.of("server", "greeting", "esmtp", "capabilities", "tls", "cipher", "certificate",
        "certificate issuer", "certificate expires", "auth"), new ArrayList<>(c.keySet()));
  }

  @Test void factoryIsFoundByServiceLoader() {
    boolean found = false;
    for (dev.herald.mail.spi.TransportFactory f : java.util.ServiceLoader.load(dev.herald.mail.spi.TransportFactory.class)) {
      if (f.name().equals("smtp")) found = f instanceof SmtpTransportFactory;
    }
    assertTrue(found);
  }

  @Test void authRequiredByServerWithoutCredentialsIsAuthenticationException() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).requireAuth(true).user("bob", "pw-pw-pw"));
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(530, e.replyCode());
    assertEquals(Stage.MAIL, e.stage());
    assertTrue(e.hint().orElseThrow().contains("username"));
  }

  @Test void localNameIsUsedForEhlo() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none", "local-name", "client.example.org").send(envelope("a@example.net"), text("x"));
    assertEquals("client.example.org", server.takeMessage(TAKE).heloName());
  }

  @Test void defaultLocalNameIsAFqdnOrAnAddressLiteral() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x"));
    String name = server.takeMessage(TAKE).heloName();
    assertTrue(name.equals("[127.0.0.1]") || (name.contains(".") && !name.startsWith("[")), name);
  }

  @Test void missingTlsTrustFileIsAConfigErrorAtCreation() {
    MockSmtpServer server = start(MockSmtpServer.builder());
    assertThrows(dev.herald.mail.InvalidConfigException.class,
        () -> transport(server, Credentials.NONE, "tls-trust", "does/not/exist.pem"));
  }

  @Test void opportunisticWithoutStarttlsAndWithoutCredentialsSendsInPlaintext() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "opportunistic").send(envelope("a@example.net"), text("x"));
    assertFalse(server.takeMessage(TAKE).tls());
  }
}

package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HostUnreachableException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MailException;
import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.Outgoing;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.RecipientsRejectedException;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.testing.Messages;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.Secret;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against mail-testkit's MockSmtpServer: real TLS handshakes, every fault the server can play. */
@Timeout(20)
class MockSmtpServerIT {
  private static final Duration TAKE = Duration.ofSeconds(5);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final RecordingTrace trace = new RecordingTrace();
  private final List<String> warnings = new ArrayList<>();

  @AfterEach void closeAll() throws Exception {
    for (AutoCloseable c : closeables) c.close();
  }

  private MockSmtpServer start(MockSmtpServer.Builder b) {
    MockSmtpServer s = b.build().start();
    closeables.add(s);
    return s;
  }

  private SmtpTransport transport(MockSmtpServer server, Credentials creds, Object... overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put("timeouts.reply", "3s");
    m.put("timeouts.connect", "3s");
    m.put("timeouts.data-end", "3s");
    for (int i = 0; i < overrides.length; i += 2) m.put((String) overrides[i], overrides[i + 1]);
    Config profile = ConfigFactory.parseMap(m, "test overrides").withFallback(server.profile());
    SmtpTransport t = (SmtpTransport) new SmtpTransportFactory().create(profile,
        new TransportContext(creds, trace, warnings::add));
    closeables.add(t);
    return t;
  }

  private static Credentials bob() {
    return Credentials.password("bob", CredentialSource.of("s3cret-pass"));
  }

  // ------------------------------------------------------------------ TLS

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

  // ------------------------------------------------------------------ AUTH

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

  // ------------------------------------------------------------------ transactions

  @Test void pipeliningSendsEnvelopeInOneFlight() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    SendReceipt r = t.send(envelope("a@example.net", "b@example.net", "c@example.net"), text("x"));
    assertEquals(3, r.accepted().size());
    // Pipelined: the three RCPTs and DATA are written before the MAIL reply is read.
    List<String> l = trace.lines();
    int mail = l.indexOf("> MAIL FROM:<sender@example.org> SIZE=" + sizeOf(l));
    assertTrue(mail >= 0, trace.text());
    assertEquals(List.of("> RCPT TO:<a@example.net>", "> RCPT TO:<b@example.net>", "> RCPT TO:<c@example.net>", "> DATA"),
        l.subList(mail + 1, mail + 5));
    assertEquals(1, server.takeMessage(TAKE).session());
  }

  private static String sizeOf(List<String> lines) {
    for (String s : lines) if (s.startsWith("> MAIL FROM:")) return s.substring(s.indexOf("SIZE=") + 5);
    return "?";
  }

  @Test void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).pipelining(false));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    t.send(envelope("a@example.net", "b@example.net"), text("x"));
    List<String> l = trace.lines();
    int mail = indexOfPrefix(l, "> MAIL");
    assertTrue(l.get(mail + 1).startsWith("< 250"), trace.text());
    assertEquals("> RCPT TO:<a@example.net>", l.get(mail + 2));
    assertTrue(l.get(mail + 3).startsWith("< 250"));
    assertNotNull(server.takeMessage(TAKE));
  }

  @Test void pipeliningOffInConfigIsHonoured() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "pipelining", false);
    t.send(envelope("a@example.net"), text("x"));
    List<String> l = trace.lines();
    assertTrue(l.get(indexOfPrefix(l, "> MAIL") + 1).startsWith("< 250"), trace.text());
  }

  private static int indexOfPrefix(List<String> l, String prefix) {
    for (int i = 0; i < l.size(); i++) if (l.get(i).startsWith(prefix)) return i;
    throw new AssertionError("no line starting with " + prefix + " in " + l);
  }

  @Test void partialRecipientsAreReported() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
    SendReceipt r = transport(server, Credentials.NONE, "tls", "none")
        .send(envelope("a@example.net", "ghost@example.net", "b@example.net"), text("x"));
    assertTrue(r.partial());
    assertEquals(List.of("a@example.net", "b@example.net"), r.accepted());
    SendReceipt.Rejection x = r.rejected().get(0);
    assertEquals("ghost@example.net", x.recipient());
    assertEquals(550, x.code());
    assertEquals("5.1.1", x.enhancedCode());
    assertEquals(List.of("a@example.net", "b@example.net"), server.takeMessage(TAKE).envelope().recipients());
  }

  @Test void everyRecipientRejectedIsRecipientsRejectedAndNoData() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(550, "5.1.1 No such user"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "pipelining", false);
    RecipientsRejectedException e = assertThrows(RecipientsRejectedException.class,
        () -> t.send(envelope("x@example.net", "y@example.net"), text("x")));
    assertEquals(2, e.receipt().rejected().size());
    assertEquals(0, trace.clientLines("DATA"));
    // The connection is reset before it carries the next message.
    server.clearScript();
    t.send(envelope("a@example.net"), text("next"));
    assertEquals(1, trace.clientLines("RSET"));
    assertEquals(1, server.takeMessage(TAKE).session());
  }

  @Test void everyRecipientRejectedWhilePipelined() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(550, "5.1.1 No such user"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    RecipientsRejectedException e = assertThrows(RecipientsRejectedException.class, () -> t.send(envelope("x@example.net"), text("x")));
    assertEquals(Stage.RCPT, e.stage());
    assertEquals(550, e.replyCode());
    assertEquals(0, trace.lines().stream().filter(s -> s.startsWith("> <message")).count());
  }

  @Test void allRecipientsGreylistedIsTransient() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.RCPT).reply(450, "4.2.0 Greylisted, try later"));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("x@example.net"), text("x")));
    assertEquals(450, e.replyCode());
  }

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

  @Test void reply451AtEndOfDataIsTransientAndNothingIsRecorded() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 Local error in processing").once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    TransientMailException e = assertThrows(TransientMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    assertEquals(451, e.replyCode());
    assertEquals(0, server.messageCount());
    // The connection stays usable.
    t.send(envelope("a@example.net"), text("y"));
    assertEquals(1, server.sessionCount());
  }

  @Test void reply554AtEndOfDataIsPermanent() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.DATA_END).reply(554, "5.6.0 Message rejected as spam"));
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
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
    assertEquals(dev.herald.mail.MailException.Reason.CONNECTION_REFUSED, e.reason());
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

  // ------------------------------------------------------------------ content

  @Test void sizeExceededFailsBeforeMail() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).size(1000));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> t.send(envelope("a@example.net"), text("x".repeat(900) + "\r\n" + "y".repeat(900) + "\r\n")));
    assertTrue(e.getMessage().contains("accepts at most 1000"), e.getMessage());
    assertTrue(e.getMessage().matches(".*message is \\d+ octets.*"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void smtpUtf8MissingForInternationalAddressFailsBeforeAnything() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).smtpUtf8(false));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> t.send(envelope("jörg@example.net"), text("x")));
    assertTrue(e.getMessage().contains("SMTPUTF8"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
  }

  @Test void smtpUtf8DeclaredWhenOffered() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("jörg@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.mailParameters().containsKey("SMTPUTF8"), m.mailParameters().toString());
    assertEquals(List.of("jörg@example.net"), m.envelope().recipients());
  }

  @Test void eightBitContentDeclares8BitMime() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("grüße\r\n"));
    assertEquals("8BITMIME", server.takeMessage(TAKE).mailParameters().get("BODY"));
  }

  @Test void lineOver998OctetsIsRefusedBeforeAnythingIsSent() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    InvalidMessageException e = assertThrows(InvalidMessageException.class,
        () -> t.send(envelope("a@example.net"), text("ok\r\n" + "z".repeat(999) + "\r\n")));
    assertTrue(e.getMessage().contains("998"), e.getMessage());
    assertEquals(0, trace.clientLines("MAIL"));
    assertEquals(0, server.messageCount());
    // A line of exactly 998 octets is fine.
    t.send(envelope("a@example.net"), text("z".repeat(998) + "\r\n"));
  }

  @Test void bareLfAndCrAreNormalisedToCrlfOnTheWire() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    byte[] raw = "Subject: smuggle\n\nline1\nline2\rline3\r\n.\r\nMAIL FROM:<evil@example.org>\n.\nend".getBytes(StandardCharsets.US_ASCII);
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), Messages.exact(raw));
    RecordedMessage m = server.takeMessage(TAKE);
    byte[] got = m.raw();
    for (int i = 0; i < got.length; i++) {
      if (got[i] == '\n') assertTrue(i > 0 && got[i - 1] == '\r', "bare LF at " + i);
      if (got[i] == '\r') assertTrue(i + 1 < got.length && got[i + 1] == '\n', "bare CR at " + i);
    }
    assertEquals("Subject: smuggle\r\n\r\nline1\r\nline2\r\nline3\r\n.\r\nMAIL FROM:<evil@example.org>\r\n.\r\nend\r\n", m.rawText());
    assertEquals(1, server.messageCount());
  }

  @Test void dotStuffingRoundTrips() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    String body = ".\r\n..\r\n.leading dot\r\nmiddle . dot\r\n.";
    transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text(body));
    assertTrue(server.takeMessage(TAKE).rawText().endsWith("\r\n\r\n.\r\n..\r\n.leading dot\r\nmiddle . dot\r\n.\r\n"));
  }

  @Test void chunkingSendsWholeMessageWithBdat() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    String body = ".leading dot\r\nbare\nlf\r\n";
    t.send(envelope("a@example.net"), text(body));
    RecordedMessage m = server.takeMessage(TAKE);
    assertTrue(m.chunked());
    assertTrue(m.rawText().endsWith("\r\n\r\n.leading dot\r\nbare\r\nlf\r\n"), m.rawText());
    assertEquals(0, trace.clientLines("DATA"));
    assertEquals(1, trace.clientLines("BDAT"));
  }

  @Test void chunkingRejectedRecipientsAndFailures() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true));
    server.script(at(Stage.DATA_END).reply(554, "5.6.0 No thanks").once());
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none");
    PermanentMailException e = assertThrows(PermanentMailException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.DATA_END, e.stage());
    t.send(envelope("a@example.net"), text("y"));
    assertEquals(1, server.messageCount());
    assertEquals(1, trace.clientLines("RSET"));
  }

  @Test void dsnParametersWhenConfigured() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    transport(server, Credentials.NONE, "tls", "none", "dsn.notify", List.of("failure", "delay"), "dsn.ret", "hdrs")
        .send(envelope("a@example.net"), text("x"));
    RecordedMessage m = server.takeMessage(TAKE);
    assertEquals("HDRS", m.mailParameters().get("RET"));
    assertEquals("FAILURE,DELAY", m.rcptParameters().get("a@example.net").get("NOTIFY"));
  }

  // ------------------------------------------------------------------ connections

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

  // ------------------------------------------------------------------ observability

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
    assertNull(null);
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

  @Test void unicodeDomainBecomesALabelsWithoutSmtpUtf8() throws Exception {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).smtpUtf8(false));
    transport(server, Credentials.NONE, "tls", "none").send(envelope("leser@bücher.example"), text("x"));
    assertEquals(List.of("leser@xn--bcher-kva.example"), server.takeMessage(TAKE).envelope().recipients());
  }

  @Test void authRequiredByServerWithoutCredentialsIsAuthenticationException() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).requireAuth(true).user("bob", "pw-pw-pw"));
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> transport(server, Credentials.NONE, "tls", "none").send(envelope("a@example.net"), text("x")));
    assertEquals(530, e.replyCode());
    assertEquals(Stage.MAIL, e.stage());
    assertTrue(e.hint().orElseThrow().contains("username"));
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

  @Test void contentThatFailsToRenderFailsOnlyItsMessage() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    SmtpTransport t = transport(server, Credentials.NONE, "tls", "none", "max-connections", 1);
    dev.herald.mail.MessageContent broken = new dev.herald.mail.MessageContent() {
      @Override public void writeTo(java.io.OutputStream out) throws java.io.IOException { throw new java.io.IOException("disk on fire"); }
      @Override public long size() { return 10; }
      @Override public java.util.Optional<String> messageId() { return java.util.Optional.empty(); }
      @Override public boolean has8bit() { return false; }
      @Override public boolean requiresSmtpUtf8() { return false; }
    };
    List<Outgoing> batch = new ArrayList<>(dev.herald.mail.smtp.testing.Outgoings.to("a@example.net", 3));
    batch.add(1, new Outgoing(envelope("a@example.net"), broken));
    List<SendOutcome> out = t.sendAll(batch);
    assertTrue(out.get(1).failure().getMessage().contains("disk on fire"));
    assertEquals(3, server.messageCount());
    assertEquals(1, server.sessionCount());
  }

  /** A credential source that hands out values in turn and counts calls. */
  static final class FakeTokens implements CredentialSource {
    private final String[] values;
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger invalidations = new AtomicInteger();
    private int next;

    FakeTokens(String... values) { this.values = values; }

    @Override public synchronized Secret get() {
      gets.incrementAndGet();
      return Secret.of(values[Math.min(next, values.length - 1)]);
    }

    @Override public synchronized void invalidate() {
      invalidations.incrementAndGet();
      next++;
    }

    @Override public String describe() { return "fake"; }
  }
}

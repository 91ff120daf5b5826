package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.smtp.testing.Resources;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile or broken server can make the client say: certificate failures named by their
 * real cause (real TLS handshakes against MockSmtpServer's certificates), terminal escapes in reply
 * text kept out of messages and the trace, and STARTTLS refused for now.
 */
@Timeout(20)
class HostileServerIT {
  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private final Resources opened = new Resources();
  private final RecordingTrace trace = new RecordingTrace();

  @AfterEach void closeAll() throws Exception {
    opened.closeAll();
  }

  private MockSmtpServer start(MockSmtpServer.Builder b) {
    return opened.start(b);
  }

  private SmtpTransport transport(MockSmtpServer server, Object... overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put("timeouts.reply", "3s");
    m.put("timeouts.connect", "3s");
    for (int i = 0; i < overrides.length; i += 2) m.put((String) overrides[i], overrides[i + 1]);
    Config profile = ConfigFactory.parseMap(m, "test overrides").withFallback(server.profile());
    return opened.add((SmtpTransport) new SmtpTransportFactory().create(profile, new TransportContext(Credentials.NONE, trace, w -> { })));
  }

  private static TlsException refused(SmtpTransport t) {
    TlsException e = assertThrows(TlsException.class, () -> t.send(envelope("a@example.net"), text("x")));
    assertEquals(dev.herald.mail.MailException.Reason.TLS_UNTRUSTED, e.reason(), e::toString);
    return e;
  }

  // ---- certificates: each cause named, with its own hint

  @Test void expiredCertificateSaysWhenItExpired() {
    Instant notAfter = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT)
        .certificateValidity(notAfter.minus(Duration.ofDays(90)), notAfter));
    TlsException e = refused(transport(server));   // tls-trust holds this very certificate
    assertEquals(Stage.CONNECT, e.stage());
    assertTrue(e.getMessage().contains("expired on " + UTC.format(notAfter)), e.getMessage());
    assertFalse(e.getMessage().contains("not trusted"), e.getMessage());
    assertFalse(e.hint().orElseThrow().contains("tls-trust"), e.hint().orElseThrow());
    assertTrue(e.hint().orElseThrow().contains("renew"), e.hint().orElseThrow());
  }

  @Test void notYetValidCertificateSaysFromWhen() {
    Instant notBefore = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.STARTTLS)
        .certificateValidity(notBefore, notBefore.plus(Duration.ofDays(90))));
    TlsException e = refused(transport(server));
    assertEquals(Stage.STARTTLS, e.stage());
    assertTrue(e.getMessage().contains("not valid yet: valid from " + UTC.format(notBefore)), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("clock"), e.hint().orElseThrow());
    assertFalse(e.hint().orElseThrow().contains("tls-trust"), e.hint().orElseThrow());
  }

  @Test void wrongHostCertificateNamesTheNamesItHas() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT).wrongHostCertificate());
    TlsException e = refused(transport(server));
    assertTrue(e.getMessage().contains("is not valid for the name '127.0.0.1': it names wrong.example"), e.getMessage());
    assertFalse(e.hint().orElseThrow().contains("tls-trust"), e.hint().orElseThrow());
  }

  @Test void selfSignedCertificateUnknownToTheTrustStoreIsUntrusted() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT));
    TlsException e = refused(transport(server, "tls-trust", ""));   // the JDK's CAs
    assertTrue(e.getMessage().contains("is self-signed and not trusted by the JDK trust store"), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("tls-trust"), e.hint().orElseThrow());
  }

  @Test void certificateMissingFromTlsTrustSaysSo() throws Exception {
    MockSmtpServer other = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT).wrongHostCertificate());
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.IMPLICIT));
    TlsException e = refused(transport(server, "tls-trust", other.certificateFile().toString()));
    assertTrue(e.getMessage().contains("not trusted by tls-trust"), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("in the tls-trust file"), e.hint().orElseThrow());
  }

  // ---- terminal escapes from the server

  private static final String HOSTILE = "\u001b[2J\u001b[31mfake error\u0007\u009b31m";

  private static void assertNoControl(String s) {
    for (char c : s.toCharArray()) {
      assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f, "control character U+" + Integer.toHexString(c) + " in: " + s);
    }
  }

  @Test void escapeSequencesInAReplyAreEscapedInTheExceptionAndTheTrace() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE));
    server.script(at(Stage.MAIL).reply(554, HOSTILE));
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> transport(server).send(envelope("a@example.net"), text("x")));
    assertNoControl(e.getMessage());
    assertTrue(e.getMessage().contains("\\x1b[2J\\x1b[31mfake error\\x07\\u009b31m"), e.getMessage());
    assertEquals(HOSTILE, e.serverText().orElseThrow(), "the fact itself stays as the server sent it");
    assertTrue(trace.text().contains("< 554 \\x1b[2J"), trace.text());
    assertNoControl(trace.text());
  }

  @Test void escapeSequencesInTheGreetingAreEscapedInCheck() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.NONE).greeting("mock " + HOSTILE));
    Map<String, String> found = transport(server).check();
    assertTrue(found.get("greeting").contains("\\x1b[2J"), found.toString());
    found.values().forEach(HostileServerIT::assertNoControl);
  }

  // ---- STARTTLS answered 454: a transient condition (75), not a TLS failure (76)

  @Test void starttls454IsTransientNotATlsFailure() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.STARTTLS));
    server.script(at(Stage.STARTTLS).reply(454, "4.7.0 TLS not available due to temporary reason"));
    MailException e = assertThrows(MailException.class, () -> transport(server).send(envelope("a@example.net"), text("x")));
    assertInstanceOf(TransientMailException.class, e, e.toString());
    assertFalse(e instanceof TlsException, e.toString());
    assertEquals(Stage.STARTTLS, e.stage());
    assertEquals(454, e.replyCode());
    assertEquals(0, trace.clientLines("MAIL"), "nothing is sent in plaintext");
  }

  @Test void starttls554IsATlsFailure() {
    MockSmtpServer server = start(MockSmtpServer.builder().tls(TlsMode.STARTTLS));
    server.script(at(Stage.STARTTLS).reply(554, "5.7.3 TLS not available"));
    TlsException e = assertThrows(TlsException.class, () -> transport(server).send(envelope("a@example.net"), text("x")));
    assertEquals(Stage.STARTTLS, e.stage());
    assertEquals(0, trace.clientLines("MAIL"));
  }
}

package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's options without a server: defaults, the copy a server gets, and what they make it offer. */
class ServerOptionsTest {

  @Test void dependentDefaultsAreWorkedOutWhenFrozen() {
    ServerOptions o = MockSmtpServer.builder().hostname("mx.example").options.freeze();
    assertEquals("mx.example ESMTP Herald MockSmtpServer ready", o.greeting);
    assertEquals(10_000_000, o.maxMessageSize, "the SIZE advertised");
    assertFalse(o.requireAuth, "no user, no token");
    assertEquals(25L * 1024 * 1024, MockSmtpServer.builder().size(0).options.freeze().maxMessageSize);
    assertEquals(25L * 1024 * 1024, MockSmtpServer.builder().size(-1).options.freeze().maxMessageSize);
    assertEquals(5_000, MockSmtpServer.builder().size(0).maxMessageSize(5_000).options.freeze().maxMessageSize);
    assertEquals("hi", MockSmtpServer.builder().greeting("hi").options.freeze().greeting);
  }

  @Test void authIsRequiredWhenSomeoneCanLogInUnlessSaidOtherwise() {
    assertTrue(MockSmtpServer.builder().user("bob", "pw").options.freeze().requireAuth);
    assertTrue(MockSmtpServer.builder().token("bob", "tok").options.freeze().requireAuth);
    assertFalse(MockSmtpServer.builder().user("bob", "pw").requireAuth(false).options.freeze().requireAuth);
    assertTrue(MockSmtpServer.builder().requireAuth(true).options.freeze().requireAuth);
  }

  @Test void aServerKeepsTheOptionsOfItsBuildAndTheBuilderCanGoOn() {
    MockSmtpServer.Builder b = MockSmtpServer.builder().user("ann", "pw-1").authMechanisms("PLAIN");
    MockSmtpServer first = b.build();
    b.user("bob", "pw-2").authMechanisms("LOGIN").extension("X-ONE");
    MockSmtpServer second = b.build();
    assertEquals(List.of("ann"), List.copyOf(first.options.users.keySet()));
    assertEquals(List.of("PLAIN"), first.options.authMechanisms);
    assertEquals(List.of(), first.options.extraExtensions);
    assertEquals(List.of("ann", "bob"), List.copyOf(second.options.users.keySet()));
    assertEquals(List.of("LOGIN"), second.options.authMechanisms);
    assertThrows(UnsupportedOperationException.class, () -> second.options.users.put("eve", "x"));
  }

  @Test void ehloOffersWhatTheOptionsAndTheSessionAllow() {
    ServerOptions o = MockSmtpServer.builder().chunking(true).extension("X-HERALD").options.freeze();
    assertEquals(List.of("SIZE 10000000", "8BITMIME", "STARTTLS", "AUTH PLAIN LOGIN XOAUTH2", "ENHANCEDSTATUSCODES",
        "PIPELINING", "CHUNKING", "SMTPUTF8", "DSN", "X-HERALD"), o.ehloExtensions(false, true));
    assertEquals(List.of("SIZE 10000000", "8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING", "CHUNKING", "SMTPUTF8", "DSN",
        "X-HERALD"), o.ehloExtensions(true, false), "no STARTTLS once in TLS, no AUTH when not available");
    ServerOptions bare = MockSmtpServer.builder().tls(TlsMode.IMPLICIT).size(0).eightBitMime(false)
        .enhancedStatusCodes(false).pipelining(false).smtpUtf8(false).dsn(false).options.freeze();
    assertEquals(List.of("SIZE"), bare.ehloExtensions(false, false));
    assertEquals(List.of(), MockSmtpServer.builder().tls(TlsMode.NONE).size(-1).eightBitMime(false)
        .enhancedStatusCodes(false).pipelining(false).smtpUtf8(false).dsn(false).options.freeze().ehloExtensions(false, false));
  }

  @Test void mailAndRcptParametersFollowTheExtensionsOffered() {
    ServerOptions all = MockSmtpServer.builder().options.freeze();
    assertTrue(all.acceptsMailParameter("SIZE", "123"));
    assertFalse(all.acceptsMailParameter("SIZE", "12x"));
    assertFalse(all.acceptsMailParameter("SIZE", "1234567890123456789"), "19 digits");
    assertTrue(all.acceptsMailParameter("BODY", "8bitmime"));
    assertFalse(all.acceptsMailParameter("BODY", "BINARYMIME"));
    assertTrue(all.acceptsMailParameter("SMTPUTF8", ""));
    assertFalse(all.acceptsMailParameter("SMTPUTF8", "yes"));
    assertTrue(all.acceptsMailParameter("RET", "HDRS"));
    assertTrue(all.acceptsMailParameter("ENVID", "x1"));
    assertFalse(all.acceptsMailParameter("ENVID", ""));
    assertTrue(all.acceptsMailParameter("AUTH", "<>"));
    assertFalse(all.acceptsMailParameter("X-OTHER", "1"));
    assertTrue(all.acceptsRcptParameter("NOTIFY", "NEVER"));
    assertTrue(all.acceptsRcptParameter("ORCPT", "rfc822;a@example.net"));
    assertFalse(all.acceptsRcptParameter("NOTIFY", ""));
    assertFalse(all.acceptsRcptParameter("SIZE", "1"));

    ServerOptions none = MockSmtpServer.builder().size(-1).eightBitMime(false).smtpUtf8(false).dsn(false)
        .authMechanisms().options.freeze();
    for (String[] p : List.of(new String[] {"SIZE", "1"}, new String[] {"BODY", "7BIT"}, new String[] {"SMTPUTF8", ""},
        new String[] {"RET", "FULL"}, new String[] {"ENVID", "x"}, new String[] {"AUTH", "<>"})) {
      assertFalse(none.acceptsMailParameter(p[0], p[1]), p[0]);
    }
    assertFalse(none.acceptsRcptParameter("NOTIFY", "NEVER"));
  }

  @Test void gmailLikeIsGmailsSubmissionServer() {
    ServerOptions o = MockSmtpServer.builder().gmailLike().options.freeze();
    assertEquals("smtp.gmail.com", o.hostname);
    assertTrue(o.requireTls && o.authOnlyAfterTls && o.chunking && !o.dsn);
    assertEquals(35_882_577, o.maxMessageSize);
    assertEquals(List.of("LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"), o.authMechanisms);
    assertEquals(2, o.authFailure.size());
  }

  @Test void certificateNamesFollowWrongHost() {
    assertEquals(List.of("localhost", "127.0.0.1"), MockSmtpServer.builder().options.freeze().certificateNames());
    assertEquals(List.of("wrong.example"), MockSmtpServer.builder().wrongHostCertificate().options.freeze().certificateNames());
  }
}

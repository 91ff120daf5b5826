package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SaslTest {

  /** Answers with canned replies and remembers what the client sent. */
  static final class FakeChannel implements Sasl.Channel {
    final Deque<SmtpReply> replies = new ArrayDeque<>();
    final List<String> sent = new ArrayList<>();
    final List<String> traced = new ArrayList<>();

    FakeChannel reply(int code, String text) {
      replies.add(new SmtpReply(code, null, List.of(text)));
      return this;
    }

    @Override public SmtpReply exchange(String line, String traceLine) {
      sent.add(line);
      traced.add(traceLine);
      return replies.removeFirst();
    }
  }

  private static String b64(String s) { return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }

  @Test void choosesFirstPreferredMechanismThatFitsAndIsOffered() {
    Credentials pw = Credentials.password("u", CredentialSource.of("p"));
    Credentials tok = Credentials.token("u", CredentialSource.of("t"));
    List<String> pref = List.of("xoauth2", "oauthbearer", "plain", "login");
    assertEquals("plain", Sasl.choose(pref, Set.of("LOGIN", "PLAIN", "XOAUTH2"), pw));
    assertEquals("xoauth2", Sasl.choose(pref, Set.of("LOGIN", "PLAIN", "XOAUTH2"), tok));
    assertEquals("oauthbearer", Sasl.choose(pref, Set.of("OAUTHBEARER"), tok));
    assertEquals("login", Sasl.choose(pref, Set.of("LOGIN", "CRAM-MD5"), pw));
    // CRAM-MD5 only when named.
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> Sasl.choose(pref, Set.of("CRAM-MD5"), pw));
    assertTrue(e.getMessage().contains("CRAM-MD5") && e.getMessage().contains("xoauth2, oauthbearer, plain, login"), e.getMessage());
    assertEquals("cram-md5", Sasl.choose(List.of("cram-md5"), Set.of("CRAM-MD5"), pw));
  }

  @Test void plainSendsInitialResponse() throws Exception {
    FakeChannel ch = new FakeChannel().reply(235, "ok");
    Sasl.login("plain", Credentials.password("bob", CredentialSource.of("pw")), null, "h", 587, ch);
    assertEquals(List.of("AUTH PLAIN " + b64("\0bob\0pw")), ch.sent);
    assertEquals(List.of("AUTH PLAIN <redacted>"), ch.traced);
  }

  @Test void loginSendsUserAndPasswordRedacted() throws Exception {
    FakeChannel ch = new FakeChannel().reply(334, "VXNlcm5hbWU6").reply(334, "UGFzc3dvcmQ6").reply(235, "ok");
    Sasl.login("login", Credentials.password("bob", CredentialSource.of("pw")), null, "h", 587, ch);
    assertEquals(List.of("AUTH LOGIN", b64("bob"), b64("pw")), ch.sent);
    assertEquals(List.of("AUTH LOGIN", "<redacted>", "<redacted>"), ch.traced);
  }

  @Test void cramMd5MatchesRfc2195Example() throws Exception {
    FakeChannel ch = new FakeChannel().reply(334, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+").reply(235, "ok");
    Sasl.login("cram-md5", Credentials.password("tim", CredentialSource.of("tanstaaftanstaaf")), null, "h", 587, ch);
    assertEquals("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", ch.sent.get(1));
  }

  @Test void xoauth2ErrorChallengeIsAnsweredWithEmptyLineThenTokenRefreshed() throws Exception {
    String json = b64("{\"status\":\"401\",\"schemes\":\"bearer\"}");
    FakeChannel ch = new FakeChannel().reply(334, json).reply(535, "5.7.8 bad token").reply(235, "ok");
    MockSmtpTokens tokens = new MockSmtpTokens();
    Sasl.login("xoauth2", Credentials.token("bob", tokens), null, "h", 587, ch);
    assertEquals(3, ch.sent.size());
    assertEquals("", ch.sent.get(1));
    assertEquals("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer token-2\u0001\u0001"), ch.sent.get(2));
    assertEquals(1, tokens.invalidated);
  }

  @Test void oauthbearerFollowsRfc7628() throws Exception {
    FakeChannel ch = new FakeChannel().reply(334, b64("{\"status\":\"invalid_token\"}")).reply(535, "5.7.8 no")
        .reply(334, b64("{\"status\":\"invalid_token\"}")).reply(535, "5.7.8 no");
    MockSmtpTokens tokens = new MockSmtpTokens();
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> Sasl.login("oauthbearer", Credentials.token("bob", tokens), null, "smtp.example.org", 587, ch));
    assertEquals(535, e.replyCode());
    assertEquals("AUTH OAUTHBEARER " + b64("n,a=bob,\u0001host=smtp.example.org\u0001port=587\u0001auth=Bearer token-1\u0001\u0001"), ch.sent.get(0));
    assertEquals("AQ==", ch.sent.get(1));
    assertEquals(2, tokens.invalidated);
  }

  @Test void tokenAboutToExpireIsRefreshedBeforeUse() throws Exception {
    FakeChannel ch = new FakeChannel().reply(235, "ok");
    CredentialSource expiring = new CredentialSource() {
      int n;
      @Override public dev.herald.mail.spi.Secret get() {
        n++;
        return n == 1 ? dev.herald.mail.spi.Secret.expiring("old", java.time.Instant.now().plusSeconds(5))
            : dev.herald.mail.spi.Secret.expiring("new", java.time.Instant.now().plusSeconds(3600));
      }
      @Override public String describe() { return "test"; }
    };
    Sasl.login("xoauth2", Credentials.token("bob", expiring), null, "h", 587, ch);
    assertEquals("AUTH XOAUTH2 " + b64("user=bob\u0001auth=Bearer new\u0001\u0001"), ch.sent.get(0));
  }

  @Test void passwordFailureIsNotRetried() {
    FakeChannel ch = new FakeChannel().reply(535, "5.7.8 no");
    assertThrows(AuthenticationException.class,
        () -> Sasl.login("plain", Credentials.password("bob", CredentialSource.of("pw")), null, "h", 587, ch));
    assertEquals(1, ch.sent.size());
  }

  @Test void temporaryFailureIsTransient() {
    FakeChannel ch = new FakeChannel().reply(454, "4.7.0 try later");
    assertThrows(TransientMailException.class,
        () -> Sasl.login("plain", Credentials.password("bob", CredentialSource.of("pw")), null, "h", 587, ch));
  }

  @Test void usernameIsRequired() {
    assertThrows(dev.herald.mail.InvalidConfigException.class,
        () -> Sasl.login("plain", Credentials.password(null, CredentialSource.of("pw")), null, "h", 587, new FakeChannel()));
  }

  static final class MockSmtpTokens implements CredentialSource {
    int invalidated;
    @Override public dev.herald.mail.spi.Secret get() { return dev.herald.mail.spi.Secret.of("token-" + (invalidated + 1)); }
    @Override public void invalidate() { invalidated++; }
    @Override public String describe() { return "test"; }
  }
}

package dev.herald.mail.smtp.internal;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.Stage;
import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AUTH (RFC 4954) with PLAIN, LOGIN, XOAUTH2, OAUTHBEARER (RFC 7628) and CRAM-MD5. Secrets are
 * fetched from their sources here, once per connection, and never reach a trace line or message.
 */
public final class Sasl {

  /** Sends one AUTH line and reads the reply; {@code traceLine} is what the trace shows instead. */
  public interface Channel {
    SmtpReply exchange(String line, String traceLine) throws IOException;
  }

  private static final Base64.Encoder B64 = Base64.getEncoder();

  private Sasl() { }

  /**
   * The first mechanism of {@code preference} that the server offers and the credentials fit.
   *
   * @throws AuthenticationException listing both sides when there is none
   */
  public static String choose(List<String> preference, Set<String> offered, Credentials creds) {
    for (String m : preference) {
      boolean fits = m.equals("xoauth2") || m.equals("oauthbearer") ? creds.token() != null : creds.password() != null;
      if (fits && offered.contains(m.toUpperCase(Locale.ROOT))) return m;
    }
    String have = creds.token() != null && creds.password() != null ? "a password and a token"
        : creds.token() != null ? "a token" : "a password";
    throw new AuthenticationException("no AUTH mechanism in common: the server offers " + (offered.isEmpty() ? "none" : Printable.escape(String.join(" ", offered)))
        + "; the profile allows " + String.join(", ", preference) + " with " + have,
        Stage.AUTH, 0, null, null, "set auth = [...] to a mechanism the server offers that fits the credentials", null);
  }

  /**
   * Logs in with {@code mechanism}. For a token mechanism rejected with 535, the token source is
   * invalidated and the login tried once more with a fresh token (an expired cached token recovers).
   */
  public static void login(String mechanism, Credentials creds, String fallbackUser, String host, int port, Channel ch)
      throws IOException {
    String user = creds.username() != null ? creds.username() : fallbackUser;
    if (user == null || user.isEmpty()) {
      throw new InvalidConfigException("AUTH needs a username: set username in the profile");
    }
    boolean token = mechanism.equals("xoauth2") || mechanism.equals("oauthbearer");
    CredentialSource source = token ? creds.token() : creds.password();
    Secret secret = source.get();
    if (token && secret.expiresAt().map(t -> t.isBefore(java.time.Instant.now().plusSeconds(30))).orElse(false)) {
      // About to expire (or expired): ask for a fresh one rather than fail and retry.
      source.invalidate();
      secret = source.get();
    }
    try {
      once(mechanism, user, secret, host, port, ch);
    } catch (AuthenticationException e) {
      source.invalidate();
      if (!token || e.replyCode() != 535) throw e;
      try {
        once(mechanism, user, source.get(), host, port, ch);
      } catch (AuthenticationException again) {
        source.invalidate();
        throw again;
      }
    }
  }

  private static void once(String mechanism, String user, Secret secret, String host, int port, Channel ch) throws IOException {
    String m = mechanism.toUpperCase(Locale.ROOT);
    SmtpReply r;
    switch (mechanism) {
      case "plain" -> r = ch.exchange("AUTH PLAIN " + b64("\0" + user + "\0" + secret.reveal()), "AUTH PLAIN " + Trace.REDACTED);
      case "login" -> {
        r = ch.exchange("AUTH LOGIN", "AUTH LOGIN");
        if (r.code() == 334) r = ch.exchange(b64(user), Trace.REDACTED);
        if (r.code() == 334) r = ch.exchange(b64(secret.reveal()), Trace.REDACTED);
      }
      case "cram-md5" -> {
        r = ch.exchange("AUTH CRAM-MD5", "AUTH CRAM-MD5");
        if (r.code() == 334) r = ch.exchange(b64(user + " " + hmacMd5(secret.reveal(), r.text())), Trace.REDACTED);
      }
      case "xoauth2" -> {
        r = ch.exchange("AUTH XOAUTH2 " + b64("user=" + user + "\u0001auth=Bearer " + secret.reveal() + "\u0001\u0001"),
            "AUTH XOAUTH2 " + Trace.REDACTED);
        // The error challenge is a base64 JSON status; an empty line asks for the final reply.
        if (r.code() == 334) r = ch.exchange("", "");
      }
      case "oauthbearer" -> {
        String gs2 = "n,a=" + user.replace("=", "=3D").replace(",", "=2C") + ",";
        r = ch.exchange("AUTH OAUTHBEARER " + b64(gs2 + "\u0001host=" + host + "\u0001port=" + port
            + "\u0001auth=Bearer " + secret.reveal() + "\u0001\u0001"), "AUTH OAUTHBEARER " + Trace.REDACTED);
        // RFC 7628 3.2.3: the client answers the error challenge with a single %x01.
        if (r.code() == 334) r = ch.exchange("AQ==", Trace.REDACTED);
      }
      default -> throw new IllegalArgumentException(mechanism);
    }
    if (r.code() == 334) {
      ch.exchange("*", "*");   // cancel an exchange the mechanism did not expect (RFC 4954 4)
      throw new AuthenticationException("AUTH " + m + " failed: the server asked for more than the mechanism sends",
          Stage.AUTH, r.code(), r.enhancedCode(), null, null, null);
    }
    if (!r.positive()) {
      MailException e = Failures.reply(Stage.AUTH, r, "AUTH " + m + " as " + user + " failed", null);
      throw e;
    }
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmacMd5(String key, String challengeB64) {
    try {
      byte[] challenge = Base64.getMimeDecoder().decode(challengeB64);
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
      byte[] d = mac.doFinal(challenge);
      StringBuilder sb = new StringBuilder(32);
      for (byte b : d) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      return sb.toString();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new AuthenticationException("CRAM-MD5 failed: " + e.getMessage(), Stage.AUTH, 0, null, null, null, null);
    }
  }
}

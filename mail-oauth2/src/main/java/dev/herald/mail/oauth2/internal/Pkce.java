package dev.herald.mail.oauth2.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, and the random {@code state}.
 *
 * @param verifier 43 characters of base64url from 32 random bytes (§4.1)
 * @param challenge {@code BASE64URL(SHA256(verifier))} (§4.2)
 * @param state an unguessable value the redirect must carry back (RFC 6749 §10.12)
 */
public record Pkce(String verifier, String challenge, String state) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh verifier, its challenge and a fresh state. */
  public static Pkce create() {
    String verifier = random(32);
    return new Pkce(verifier, challenge(verifier), random(24));
  }

  /** The S256 challenge of a verifier. */
  public static String challenge(String verifier) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override public String toString() { return "Pkce[S256, verifier=<redacted>, state=<redacted>]"; }
}

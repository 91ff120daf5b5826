package dev.herald.mail.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Decoding of the SASL client responses the mock server checks (RFC 4616, XOAUTH2, RFC 7628). */
public final class Sasl {
  private Sasl() { }

  /** Who logs in and with what: a password (PLAIN, LOGIN) or a bearer token (XOAUTH2, OAUTHBEARER). */
  public record Login(String authzid, String user, String secret) { }

  /** Gmail's XOAUTH2 error challenge, before base64. */
  public static final String XOAUTH2_ERROR = "{\"status\":\"401\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}";

  /** RFC 7628's error challenge, before base64. */
  public static final String OAUTHBEARER_ERROR =
      "{\"status\":\"invalid_token\",\"scope\":\"https://mail.google.com/\",\"schemes\":\"bearer\"}";

  /** {@code authzid NUL authcid NUL passwd}; null when malformed. */
  public static Login plain(byte[] response) {
    String[] f = new String(response, StandardCharsets.UTF_8).split("\0", -1);
    return f.length == 3 ? new Login(f[0], f[1], f[2]) : null;
  }

  /** {@code user=U ^A auth=Bearer T ^A ^A}; user or secret null when missing. */
  public static Login xoauth2(byte[] response) {
    String user = null;
    String token = null;
    for (String kv : new String(response, StandardCharsets.UTF_8).split("\u0001")) {
      if (kv.startsWith("user=")) user = kv.substring(5);
      else if (kv.regionMatches(true, 0, "auth=Bearer ", 0, 12)) token = kv.substring(12);
    }
    return new Login("", user, token);
  }

  /** {@code n,a=U, ^A host=… ^A auth=Bearer T ^A ^A}; user or secret null when missing. */
  public static Login oauthBearer(byte[] response) {
    String s = new String(response, StandardCharsets.UTF_8);
    String user = null;
    String token = null;
    int first = s.indexOf('\u0001');
    String gs2 = first < 0 ? s : s.substring(0, first);
    for (String f : gs2.split(",")) {
      if (f.startsWith("a=")) user = f.substring(2).replace("=2C", ",").replace("=3D", "=");
    }
    if (first >= 0) {
      for (String kv : s.substring(first + 1).split("\u0001")) {
        if (kv.regionMatches(true, 0, "auth=Bearer ", 0, 12)) token = kv.substring(12);
      }
    }
    return new Login("", user, token);
  }

  /** The user an initial response names, for a scripted {@code 235}; {@code "(scripted)"} when it names none. */
  public static String claimedUser(String mechanism, String initialResponse) {
    if (initialResponse == null) return "(scripted)";
    byte[] r;
    try {
      r = Base64.getDecoder().decode(initialResponse);
    } catch (IllegalArgumentException e) {
      return "(scripted)";
    }
    Login l = switch (mechanism) {
      case "PLAIN" -> plain(r);
      case "XOAUTH2" -> xoauth2(r);
      case "OAUTHBEARER" -> oauthBearer(r);
      case "LOGIN" -> new Login("", new String(r, StandardCharsets.UTF_8), null);
      default -> null;
    };
    return l == null || l.user() == null ? "(scripted)" : l.user();
  }

  public static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

package dev.herald.mail.oauth2.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A token endpoint's JSON answer (RFC 6749 §5.1 and §5.2). Its {@code toString()} shows which
 * fields are present, never the tokens.
 *
 * @param status the HTTP status
 * @param accessToken the access token, or null
 * @param expiresIn seconds until the access token expires, or null when the server did not say
 * @param refreshToken a (new) refresh token, or null
 * @param scope the granted scopes, space-separated, or null
 * @param error the OAuth2 error code such as {@code invalid_grant}, or null
 * @param errorDescription the server's explanation of the error, or null
 */
public record TokenResponse(int status, String accessToken, Long expiresIn, String tokenType, String refreshToken,
    String scope, String error, String errorDescription) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * Parses a JSON object; unknown fields are skipped.
   *
   * @throws IOException when the body is not a JSON object
   */
  public static TokenResponse parse(int status, String body) throws IOException {
    String accessToken = null, tokenType = null, refreshToken = null, scope = null, error = null, description = null;
    Long expiresIn = null;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new JsonParseException(p, "not a JSON object");
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "access_token" -> accessToken = text(p, value);
          case "token_type" -> tokenType = text(p, value);
          case "refresh_token" -> refreshToken = text(p, value);
          case "scope" -> scope = text(p, value);
          case "error" -> error = text(p, value);
          case "error_description" -> description = text(p, value);
          case "expires_in" -> expiresIn = seconds(p, value);
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) throw new JsonParseException(p, "unterminated JSON object");
    }
    return new TokenResponse(status, accessToken, expiresIn, tokenType, refreshToken, scope, error, description);
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : null;
  }

  /** A number, or a string holding one (some servers send {@code "3599"}). */
  private static Long seconds(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
    if (t == JsonToken.VALUE_NUMBER_FLOAT) return (long) p.getDoubleValue();
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText().strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    p.skipChildren();
    return null;
  }

  @Override public String toString() {
    return "TokenResponse[status=" + status + ", access_token=" + (accessToken == null ? "absent" : "<redacted>")
        + ", expires_in=" + expiresIn + ", token_type=" + tokenType
        + ", refresh_token=" + (refreshToken == null ? "absent" : "<redacted>") + ", scope=" + scope
        + ", error=" + error + ", error_description=" + errorDescription + "]";
  }
}

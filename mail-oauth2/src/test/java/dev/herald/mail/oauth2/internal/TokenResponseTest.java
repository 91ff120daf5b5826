package dev.herald.mail.oauth2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TokenResponseTest {
  @Test void readsTheFieldsAndSkipsTheRest() throws IOException {
    TokenResponse r = TokenResponse.parse(200, "{\"access_token\":\"ya29.a0\",\"expires_in\":3599,"
        + "\"scope\":\"https://mail.google.com/\",\"token_type\":\"Bearer\",\"id_token\":{\"nested\":[1,2]},"
        + "\"refresh_token\":\"1//r\"}");
    assertEquals("ya29.a0", r.accessToken());
    assertEquals(3599L, r.expiresIn());
    assertEquals("Bearer", r.tokenType());
    assertEquals("1//r", r.refreshToken());
    assertEquals("https://mail.google.com/", r.scope());
    assertNull(r.error());
  }

  @Test void expiresInMayBeAString() throws IOException {
    assertEquals(3600L, TokenResponse.parse(200, "{\"access_token\":\"a\",\"expires_in\":\"3600\"}").expiresIn());
  }

  @Test void toStringHidesTheTokens() throws IOException {
    String s = TokenResponse.parse(200, "{\"access_token\":\"ya29.secret\",\"refresh_token\":\"1//secret\"}").toString();
    assertFalse(s.contains("secret"), s);
  }

  @Test void somethingElseThanAnObjectIsRefused() {
    assertThrows(IOException.class, () -> TokenResponse.parse(200, "<html>"));
    assertThrows(IOException.class, () -> TokenResponse.parse(200, "[1]"));
    assertThrows(IOException.class, () -> TokenResponse.parse(200, ""));
  }
}

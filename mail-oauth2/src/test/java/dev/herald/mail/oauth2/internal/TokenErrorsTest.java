package dev.herald.mail.oauth2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.oauth2.internal.TokenErrors.Grant;
import dev.herald.mail.oauth2.internal.TokenErrors.Provider;
import java.net.URI;
import org.junit.jupiter.api.Test;

class TokenErrorsTest {
  private static final URI GOOGLE = URI.create("https://oauth2.googleapis.com/token");
  private static final URI MICROSOFT = URI.create("https://login.microsoftonline.com/common/oauth2/v2.0/token");

  private static MailException refused(URI uri, Grant grant, int status, String json) {
    return assertThrows(MailException.class,
        () -> TokenEndpoint.interpret(status, json, TokenErrors.of(uri, "work", grant)));
  }

  @Test void providersAreKnownByTheTokenEndpointsHost() {
    assertEquals(Provider.GOOGLE, Provider.of(GOOGLE));
    assertEquals(Provider.MICROSOFT, Provider.of(MICROSOFT));
    assertEquals(Provider.OTHER, Provider.of(URI.create("https://auth.example.org/token")));
  }

  @Test void googlesExpiredRefreshTokenExplainsTheSevenDaysOfTestingMode() {
    MailException e = refused(GOOGLE, Grant.REFRESH_TOKEN, 400,
        "{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}");
    assertInstanceOf(AuthenticationException.class, e);
    assertEquals("the OAuth2 refresh token of profile 'work' was refused by oauth2.googleapis.com"
        + " (invalid_grant: Token has been expired or revoked.)", e.getMessage());
    String hint = e.hint().orElseThrow();
    assertTrue(hint.startsWith("it has expired or been revoked: run `herald auth --profile work` to get a new one."), hint);
    assertTrue(hint.contains("\"Testing\" after 7 days"), hint);
  }

  @Test void microsoftsExpiredRefreshTokenNamesItsOwnReasons() {
    MailException e = refused(MICROSOFT, Grant.REFRESH_TOKEN, 400,
        "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: The refresh token has expired.\"}");
    assertTrue(e.hint().orElseThrow().contains("90 days"), e.hint().get());
  }

  @Test void aRefusedCodeSaysCodesAreSingleUse() {
    MailException e = refused(GOOGLE, Grant.AUTHORIZATION_CODE, 400, "{\"error\":\"invalid_grant\"}");
    assertTrue(e.hint().orElseThrow().contains("single-use"), e.hint().get());
  }

  @Test void aPublicMicrosoftClientIsToldToDropTheSecret() {
    MailException e = refused(MICROSOFT, Grant.REFRESH_TOKEN, 401, "{\"error\":\"invalid_client\"}");
    assertTrue(e.hint().orElseThrow().contains("remove client-secret"), e.hint().get());
  }

  @Test void microsoftsInteractionRequiredMeansSignInAgain() {
    MailException e = refused(MICROSOFT, Grant.REFRESH_TOKEN, 400,
        "{\"error\":\"interaction_required\",\"error_description\":\"AADSTS50076: MFA\"}");
    assertInstanceOf(AuthenticationException.class, e);
    assertTrue(e.hint().orElseThrow().contains("herald auth --profile work"));
  }

  @Test void aBadScopeShowsTheOneGmailNeeds() {
    MailException e = refused(GOOGLE, Grant.REFRESH_TOKEN, 400, "{\"error\":\"invalid_scope\"}");
    assertTrue(e.hint().orElseThrow().contains("https://mail.google.com/"));
  }

  @Test void serverErrorsAndThrottlingAreTransient() {
    assertInstanceOf(TransientMailException.class, refused(GOOGLE, Grant.REFRESH_TOKEN, 500, "oops"));
    assertInstanceOf(TransientMailException.class, refused(GOOGLE, Grant.REFRESH_TOKEN, 429, "{}"));
    assertInstanceOf(TransientMailException.class, refused(GOOGLE, Grant.REFRESH_TOKEN, 503, "{\"error\":\"server_error\"}"));
  }

  @Test void anUnknownErrorIsPermanentAndKeepsTheServersWords() {
    MailException e = refused(GOOGLE, Grant.REFRESH_TOKEN, 400,
        "{\"error\":\"unsupported_grant_type\",\"error_description\":\"line\\nbreak\"}");
    assertInstanceOf(PermanentMailException.class, e);
    assertEquals("unsupported_grant_type: line break", e.serverText().orElseThrow());
  }
}

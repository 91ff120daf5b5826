package dev.herald.mail.oauth2.internal;

import dev.herald.mail.AuthenticationException;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.Printable;
import java.net.URI;
import java.util.Locale;

/**
 * Turns a token endpoint's error answers (RFC 6749 §5.2) into exceptions whose message says what
 * happened and whose hint says what to do, with the provider's particulars where they matter
 * (Google expires refresh tokens of apps in "Testing" after 7 days). Never puts a secret in a message:
 * only the endpoint's host, the error code and the server's description.
 *
 * @param provider who runs the endpoint, from its host
 * @param endpoint the endpoint's host (and port), for messages
 * @param profileName the profile, for {@code herald auth --profile NAME}
 * @param grant the grant that was refused
 */
public record TokenErrors(Provider provider, String endpoint, String profileName, Grant grant) {

  /** The grants Herald uses. */
  public enum Grant { REFRESH_TOKEN, AUTHORIZATION_CODE }

  /** Token endpoints whose errors deserve particular advice. */
  public enum Provider {
    GOOGLE, MICROSOFT, OTHER;

    /** The provider that runs {@code tokenUri}, from its host. */
    public static Provider of(URI tokenUri) {
      String host = tokenUri.getHost() == null ? "" : tokenUri.getHost().toLowerCase(Locale.ROOT);
      if (host.endsWith("googleapis.com") || host.endsWith(".google.com")) return GOOGLE;
      if (host.endsWith("microsoftonline.com") || host.endsWith("login.live.com")) return MICROSOFT;
      return OTHER;
    }
  }

  /** The errors of a grant against {@code tokenUri}, the provider known by its host. */
  public static TokenErrors of(URI tokenUri, String profileName, Grant grant) {
    return of(Provider.of(tokenUri), tokenUri, profileName, grant);
  }

  /** The errors of a grant against {@code tokenUri}, run by {@code provider}. */
  public static TokenErrors of(Provider provider, URI tokenUri, String profileName, Grant grant) {
    String endpoint = tokenUri.getHost() + (tokenUri.getPort() < 0 ? "" : ":" + tokenUri.getPort());
    return new TokenErrors(provider, endpoint, profileName, grant);
  }

  /** {@code herald auth --profile NAME}, the fix for most refusals. */
  public String authCommand() { return "herald auth --profile " + profileName; }

  /** The endpoint is down or throttling: worth retrying. */
  public TransientMailException unavailable(int status, TokenResponse response) {
    return new TransientMailException("the token endpoint " + endpoint + " is unavailable (HTTP " + status
        + (response == null || response.error() == null ? "" : ", " + detail(response)) + ")", Stage.AUTH, 0, null,
        response == null ? null : detail(response), "try again later", null);
  }

  /** The endpoint answered with an OAuth2 error. */
  public MailException refused(TokenResponse r) {
    String detail = detail(r);
    String what = grant == Grant.REFRESH_TOKEN ? "refresh the OAuth2 access token" : "exchange the authorization code";
    String code = r.error().toLowerCase(Locale.ROOT);
    switch (code) {
      case "invalid_grant":
        if (grant == Grant.AUTHORIZATION_CODE) {
          return auth("the token endpoint " + endpoint + " refused the authorization code (" + detail + ")",
              "codes are single-use and expire within minutes: run `" + authCommand() + "` again", detail);
        }
        return auth("the OAuth2 refresh token of profile '" + profileName + "' was refused by " + endpoint
            + " (" + detail + ")", expiredRefreshTokenHint(), detail);
      case "invalid_client":
      case "unauthorized_client":
        return auth("the token endpoint " + endpoint + " did not accept the OAuth2 client of profile '" + profileName
            + "' (" + detail + ")", clientHint(code), detail);
      case "invalid_scope":
        return auth("the token endpoint " + endpoint + " refused the scopes of profile '" + profileName + "' ("
            + detail + ")", "check oauth2.scopes" + scopeExample(), detail);
      case "interaction_required":
      case "consent_required":
      case "login_required":
      case "access_denied":
        return auth("the token endpoint " + endpoint + " wants the user to sign in again (" + detail + ")",
            "run `" + authCommand() + "` and complete the consent in the browser", detail);
      case "temporarily_unavailable":
      case "server_error":
        return unavailable(r.status(), r);
      default:
        return new PermanentMailException("could not " + what + " at " + endpoint + " (" + detail + ")", Stage.AUTH,
            0, null, detail, grant == Grant.REFRESH_TOKEN
                ? "if the refresh token is no longer valid, run `" + authCommand() + "`"
                : "check the profile's oauth2 block, then run `" + authCommand() + "` again", null);
    }
  }

  private String expiredRefreshTokenHint() {
    String again = "run `" + authCommand() + "` to get a new one";
    return switch (provider) {
      case GOOGLE -> "it has expired or been revoked: " + again + ". Google expires the refresh tokens of apps"
          + " whose OAuth consent screen is in \"Testing\" after 7 days; publish the app (Google Auth Platform →"
          + " Audience → Publish app) to keep them";
      case MICROSOFT -> "it has expired or been revoked (Microsoft ends refresh tokens unused for 90 days, and on"
          + " password changes or revoked sessions): " + again;
      case OTHER -> "it has expired or been revoked: " + again;
    };
  }

  private String clientHint(String code) {
    String base = "check oauth2.client-id and client-secret of profile '" + profileName + "'";
    return switch (provider) {
      case GOOGLE -> base + " against the OAuth client in the Google Cloud console (APIs & Services → Credentials;"
          + " type \"Desktop app\")";
      case MICROSOFT -> base + " against the app registration in Microsoft Entra (a public client has no secret:"
          + " remove client-secret and enable \"Allow public client flows\")";
      case OTHER -> base + (code.equals("unauthorized_client")
          ? "; the client must be allowed the " + (grant == Grant.REFRESH_TOKEN ? "refresh_token" : "authorization_code")
              + " grant" : "");
    };
  }

  private String scopeExample() {
    return switch (provider) {
      case GOOGLE -> " (Gmail's SMTP needs \"https://mail.google.com/\")";
      case MICROSOFT -> " (SMTP needs \"https://outlook.office.com/SMTP.Send\" and \"offline_access\")";
      case OTHER -> "";
    };
  }

  private static AuthenticationException auth(String message, String hint, String detail) {
    return new AuthenticationException(message, Stage.AUTH, 0, null, detail, hint, null);
  }

  /** {@code error: description}, control characters escaped and the length bounded. */
  static String detail(TokenResponse r) {
    String d = r.error() + (r.errorDescription() == null || r.errorDescription().isBlank() ? ""
        : ": " + r.errorDescription().strip());
    d = Printable.oneLine(d);
    return d.length() > 300 ? d.substring(0, 300) + "…" : d;
  }
}

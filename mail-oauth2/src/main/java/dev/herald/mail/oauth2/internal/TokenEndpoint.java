package dev.herald.mail.oauth2.internal;

import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Posts a form to an OAuth2 token endpoint (RFC 6749 §4.1.3, §6) with the JDK's HTTP client and
 * turns the answer into a {@link TokenResponse} or a {@link MailException} that says what to do
 * ({@link TokenErrors}). Every wait is bounded: connecting by the connect timeout, the whole
 * exchange by the request timeout. Thread-safe.
 */
public final class TokenEndpoint {
  private final URI uri;
  private final Duration requestTimeout;
  private final HttpClient http;

  public TokenEndpoint(URI uri, Duration connectTimeout, Duration requestTimeout) {
    this.uri = uri;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /**
   * Posts {@code form} and returns a response that has an access token.
   *
   * @param errors turns error answers into exceptions for the grant at hand
   * @throws TransientMailException when the endpoint cannot be reached, times out or is unavailable
   * @throws MailException as {@code errors} decides, for an OAuth2 error answer
   */
  public TokenResponse post(Map<String, String> form, TokenErrors errors) {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new TransientMailException(Reason.TIMEOUT, "the token endpoint " + errors.endpoint() + " did not answer in time ("
          + e.getMessage() + "); try again later", Stage.AUTH, 0, null, null,
          "check the network, or raise oauth2.request-timeout / connect-timeout", e);
    } catch (IOException e) {
      // Refused, or no address (the JDK's client reports an unresolvable name as a ConnectException too).
      throw new TransientMailException(e instanceof ConnectException ? Reason.CONNECTION_REFUSED : Reason.CONNECTION_LOST,
          "cannot reach the token endpoint " + errors.endpoint() + ": "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), Stage.AUTH, 0,
          null, null, "check the network and oauth2.token-uri, then try again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientMailException(Reason.CANCELLED, "interrupted while waiting for the token endpoint " + errors.endpoint(), e);
    }
    return interpret(response.statusCode(), response.body(), errors);
  }

  static TokenResponse interpret(int status, String body, TokenErrors errors) {
    TokenResponse parsed;
    try {
      parsed = TokenResponse.parse(status, body == null ? "" : body);
    } catch (IOException notJson) {
      if (status == 429 || status >= 500) throw errors.unavailable(status, null);
      throw new PermanentMailException("unexpected answer from the token endpoint " + errors.endpoint() + " (HTTP "
          + status + ", not a JSON object)", Stage.AUTH, 0, null, null,
          "check oauth2.token-uri: it must be the provider's token endpoint", null);
    }
    if (parsed.error() != null) throw errors.refused(parsed);
    if (status == 429 || status >= 500) throw errors.unavailable(status, parsed);
    if (status / 100 != 2 || parsed.accessToken() == null || parsed.accessToken().isBlank()) {
      throw new PermanentMailException("unexpected answer from the token endpoint " + errors.endpoint() + " (HTTP "
          + status + ", no access_token)", Stage.AUTH, 0, null, null,
          "check oauth2.token-uri: it must be the provider's token endpoint", null);
    }
    return parsed;
  }

  /** {@code application/x-www-form-urlencoded}, as RFC 6749 Appendix B asks. */
  static String encode(Map<String, String> form) {
    StringJoiner out = new StringJoiner("&");
    form.forEach((k, v) -> out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }

  @Override public String toString() { return "TokenEndpoint[" + uri.getHost() + "]"; }
}

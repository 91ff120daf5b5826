package dev.herald.mail.oauth2;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.oauth2.internal.OAuth2Settings;
import dev.herald.mail.oauth2.internal.TokenEndpoint;
import dev.herald.mail.oauth2.internal.TokenErrors;
import dev.herald.mail.oauth2.internal.TokenResponse;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * OAuth2 access tokens from a refresh token (RFC 6749 §6), for XOAUTH2 and OAUTHBEARER.
 *
 * <p>{@link #get()} returns the cached access token until shortly before it expires
 * ({@code refresh-before-expiry}), then posts the refresh-token grant to the token endpoint.
 * {@link #invalidate()} drops the cache, so a transport whose token the server rejected gets a
 * fresh one on its retry. One refresh at a time: threads that need a token while it is being
 * refreshed wait for it. The client id, client secret and refresh token are themselves
 * {@link CredentialSource}s (inline, env, file, command) read at each refresh.
 *
 * <pre>{@code
 * CredentialSource token = OAuth2CredentialSource.builder()
 *     .tokenUri(URI.create("https://oauth2.googleapis.com/token"))
 *     .clientId("1234.apps.googleusercontent.com")
 *     .clientSecret(CredentialSource.env("GOOGLE_CLIENT_SECRET"))
 *     .refreshToken(CredentialSource.env("GOOGLE_REFRESH_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <p>Failures: a refused refresh token or client is an {@link dev.herald.mail.AuthenticationException}
 * whose hint says what to do (usually {@code herald auth --profile NAME}); an endpoint that cannot be
 * reached, times out or is unavailable is a {@link dev.herald.mail.TransientMailException}. Neither
 * messages nor {@link #toString()} ever contain a secret.
 */
public final class OAuth2CredentialSource implements CredentialSource {
  private final OAuth2Settings settings;
  private final CredentialSource clientId;
  private final CredentialSource clientSecret;
  private final CredentialSource refreshToken;
  private final Clock clock;
  /** Made at the first refresh: the JDK's HTTP client starts a thread, and most sources are never used. */
  private TokenEndpoint endpoint;
  private final TokenErrors errors;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile Cached cached;
  /** A refresh token the server handed out in place of the configured one (rotation), if any. */
  private volatile String rotated;

  private record Cached(Secret token, Instant refreshAt) { }

  OAuth2CredentialSource(OAuth2Settings settings, CredentialSource clientId, CredentialSource clientSecret,
      CredentialSource refreshToken, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.errors = TokenErrors.of(settings.provider(), settings.tokenUri(), settings.profileName(),
        TokenErrors.Grant.REFRESH_TOKEN);
  }

  /** A builder whose timeouts start from mail-oauth2's {@code reference.conf}. */
  public static Builder builder() { return new Builder(); }

  @Override public Secret get() {
    Cached c = cached;
    if (c != null && clock.instant().isBefore(c.refreshAt())) return c.token();
    refreshing.lock();
    try {
      c = cached;  // another thread may have refreshed while this one waited
      if (c != null && clock.instant().isBefore(c.refreshAt())) return c.token();
      c = refresh();
      cached = c;
      return c.token();
    } finally {
      refreshing.unlock();
    }
  }

  @Override public void invalidate() { cached = null; }

  @Override public String describe() {
    return "oauth2:" + errors.endpoint() + " (refresh-token " + (refreshToken == null ? "not set" : refreshToken.describe()) + ")";
  }

  @Override public String toString() { return "CredentialSource[" + describe() + "]"; }

  private Cached refresh() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", currentRefreshToken());
    form.put("client_id", read(clientId, "client-id"));
    if (clientSecret != null) form.put("client_secret", read(clientSecret, "client-secret"));
    if (settings.scopeOnRefresh() && !settings.scopes().isEmpty()) form.put("scope", String.join(" ", settings.scopes()));
    if (endpoint == null) {  // guarded by the refreshing lock
      endpoint = new TokenEndpoint(settings.tokenUri(), settings.connectTimeout(), settings.requestTimeout());
    }
    Instant now = clock.instant();
    TokenResponse r = endpoint.post(form, errors);
    if (r.refreshToken() != null && !r.refreshToken().isBlank()) rotated = r.refreshToken();
    if (r.expiresIn() == null) return new Cached(Secret.of(r.accessToken()), Instant.MAX);
    Duration life = Duration.ofSeconds(Math.max(0, r.expiresIn()));
    Duration margin = settings.refreshBeforeExpiry();
    // A token that lives shorter than the margin is still used for half its life.
    Instant refreshAt = life.compareTo(margin) > 0 ? now.plus(life).minus(margin) : now.plus(life.dividedBy(2));
    return new Cached(Secret.expiring(r.accessToken(), now.plus(life)), refreshAt);
  }

  private String currentRefreshToken() {
    String r = rotated;
    if (r != null) return r;
    if (refreshToken == null) {
      throw new InvalidConfigException("profile '" + settings.profileName() + "' has no oauth2.refresh-token", null,
          0, null, null, "run `" + errors.authCommand() + "`: it stores a refresh token and names the key to add", null);
    }
    return read(refreshToken, "refresh-token");
  }

  private String read(CredentialSource source, String key) {
    String value;
    try {
      value = source.get().reveal().strip();
    } catch (MailException e) {
      if (e.hint().isPresent() || !key.equals("refresh-token")) throw e;
      throw e.withHint("to store a refresh token there, run `" + errors.authCommand() + "`");
    }
    if (value.isEmpty()) {
      throw new InvalidConfigException(settings.path() + "." + key + " (" + source.describe() + ") is empty");
    }
    return value;
  }

  /**
   * Builds a source in code. Required: {@link #tokenUri}, {@link #clientId} and {@link #refreshToken}.
   * The timeouts and the refresh margin default to mail-oauth2's {@code reference.conf}.
   */
  public static final class Builder {
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private CredentialSource clientId;
    private CredentialSource clientSecret;
    private CredentialSource refreshToken;
    private String profileName = "NAME";
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder tokenUri(URI tokenUri) { overrides.put("token-uri", tokenUri.toString()); return this; }
    public Builder clientId(String clientId) { return clientId(CredentialSource.of(clientId)); }
    public Builder clientId(CredentialSource clientId) { this.clientId = clientId; return this; }
    /** Optional: public clients (PKCE only) have none. */
    public Builder clientSecret(CredentialSource clientSecret) { this.clientSecret = clientSecret; return this; }
    public Builder refreshToken(CredentialSource refreshToken) { this.refreshToken = refreshToken; return this; }
    public Builder scopes(List<String> scopes) { overrides.put("scopes", List.copyOf(scopes)); return this; }
    /** Send the scopes with each refresh (Microsoft's identity platform wants them). */
    public Builder scopeOnRefresh(boolean on) { overrides.put("scope-on-refresh", on); return this; }
    public Builder connectTimeout(Duration d) { overrides.put("connect-timeout", d.toMillis() + "ms"); return this; }
    public Builder requestTimeout(Duration d) { overrides.put("request-timeout", d.toMillis() + "ms"); return this; }
    /** How long before its expiry a cached access token is refreshed. */
    public Builder refreshBeforeExpiry(Duration d) { overrides.put("refresh-before-expiry", d.toMillis() + "ms"); return this; }
    /** The profile named in hints ({@code herald auth --profile NAME}). */
    public Builder profileName(String name) { this.profileName = Objects.requireNonNull(name); return this; }
    /** The clock that decides expiry; for tests. */
    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /** @throws InvalidConfigException when the token URI is missing or not https */
    public OAuth2CredentialSource build() {
      if (clientId == null) throw new IllegalStateException("OAuth2CredentialSource.builder() needs a clientId");
      if (refreshToken == null) throw new IllegalStateException("OAuth2CredentialSource.builder() needs a refreshToken");
      Config block = ConfigFactory.parseMap(overrides, "OAuth2CredentialSource.builder()");
      OAuth2Settings s = OAuth2Settings.from(block, "herald.profiles." + profileName + ".oauth2");
      return new OAuth2CredentialSource(s, clientId, clientSecret, refreshToken, clock);
    }
  }
}

package dev.herald.mail.oauth2;

import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_ID;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_SECRET;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.REFRESH_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.oauth2.internal.OAuth2Settings;
import dev.herald.mail.oauth2.testing.FakeOAuthServer;
import dev.herald.mail.oauth2.testing.FakeResolver;
import dev.herald.mail.oauth2.testing.MutableClock;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Secret;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuth2CredentialSourceTest {
  private static final String PATH = "herald.profiles.work.oauth2";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private FakeOAuthServer oauth;
  private final MutableClock clock = new MutableClock(T0);
  private final FakeResolver resolver = new FakeResolver(Map.of("CLIENT_SECRET", CLIENT_SECRET));

  @BeforeEach void start() throws Exception { oauth = FakeOAuthServer.start(); }

  @AfterEach void stop() { oauth.close(); }

  /** A source as the config binder makes it, from a HOCON block with {@code extra} keys. */
  private OAuth2CredentialSource source(String extra) {
    String hocon = oauth.oauth2Block("refresh-token = \"" + REFRESH_TOKEN + "\"");
    ConfigObject block = ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString(hocon)).root();
    CredentialSource s = new OAuth2CredentialSourceFactory().create(block, PATH, resolver);
    OAuth2CredentialSource o = assertInstanceOf(OAuth2CredentialSource.class, s);
    // The factory's source runs on the system clock; the tests need one they can move.
    return new OAuth2CredentialSource(OAuth2Settings.from(block.toConfig(), PATH), CredentialSource.of(CLIENT_ID),
        resolver.resolve(block.get("client-secret"), PATH + ".client-secret"),
        resolver.resolve(block.get("refresh-token"), PATH + ".refresh-token"), clock);
  }

  @Test void fetchesAFreshTokenWithTheRefreshTokenGrant() {
    Secret token = source("").get();

    assertEquals("access-1", token.reveal());
    assertEquals(T0.plusSeconds(3599), token.expiresAt().orElseThrow());
    Map<String, String> form = oauth.tokenRequests().get(0);
    assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH_TOKEN, "client_id", CLIENT_ID,
        "client_secret", CLIENT_SECRET), form);
  }

  @Test void aCachedTokenIsNotFetchedAgain() {
    OAuth2CredentialSource s = source("");
    s.get();
    clock.advance(Duration.ofMinutes(50));
    assertEquals("access-1", s.get().reveal());
    assertEquals(1, oauth.tokenRequests().size());
  }

  @Test void aTokenIsRefreshedShortlyBeforeItExpires() {
    OAuth2CredentialSource s = source("");
    s.get();
    clock.advance(Duration.ofSeconds(3599 - 60 - 1));
    assertEquals("access-1", s.get().reveal());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("access-2", s.get().reveal());
    assertEquals(2, oauth.tokenRequests().size());
  }

  @Test void theRefreshMarginIsConfigurable() {
    OAuth2CredentialSource s = source("refresh-before-expiry = 10m");
    s.get();
    clock.advance(Duration.ofSeconds(3599 - 600));
    assertEquals("access-2", s.get().reveal());
  }

  @Test void aTokenThatLivesShorterThanTheMarginIsUsedForHalfItsLife() {
    oauth.expiresIn(30);
    OAuth2CredentialSource s = source("");
    s.get();
    clock.advance(Duration.ofSeconds(14));
    assertEquals("access-1", s.get().reveal());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("access-2", s.get().reveal());
  }

  @Test void invalidateMakesTheNextGetRefresh() {
    OAuth2CredentialSource s = source("");
    s.get();
    s.invalidate();
    assertEquals("access-2", s.get().reveal());
    assertEquals("access-2", s.get().reveal());
    assertEquals(2, oauth.tokenRequests().size());
  }

  @Test void aRevokedRefreshTokenSaysWhatToDo() {
    OAuth2CredentialSource s = source("");
    s.get();
    oauth.revoke();
    s.invalidate();

    AuthenticationException e = assertThrows(AuthenticationException.class, s::get);

    assertEquals(Stage.AUTH, e.stage());
    assertTrue(e.getMessage().contains("refresh token of profile 'work' was refused"), e.getMessage());
    assertTrue(e.getMessage().contains("invalid_grant: Token has been expired or revoked."), e.getMessage());
    assertEquals("invalid_grant: Token has been expired or revoked.", e.serverText().orElseThrow());
    assertTrue(e.hint().orElseThrow().contains("herald auth --profile work"), e.hint().get());
    assertNoSecrets(e.getMessage() + e.hint().get() + e);
  }

  @Test void theProviderKeyKeepsGooglesAdviceWhenTheEndpointIsElsewhere() {
    OAuth2CredentialSource s = source("provider = google");
    oauth.revoke();
    AuthenticationException e = assertThrows(AuthenticationException.class, s::get);
    assertTrue(e.hint().orElseThrow().contains("\"Testing\" after 7 days"), e.hint().get());
  }

  @Test void anUnknownProviderIsAConfigError() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> source("provider = yahoo"));
    assertTrue(e.getMessage().contains("choose google, microsoft, other"), e.getMessage());
  }

  @Test void aWrongClientSecretNamesTheKeysToCheck() {
    FakeResolver wrong = new FakeResolver(Map.of("CLIENT_SECRET", "not-it"));
    String hocon = oauth.oauth2Block("refresh-token = \"" + REFRESH_TOKEN + "\"");
    ConfigObject block = ConfigFactory.parseString("client-secret.env = CLIENT_SECRET")
        .withFallback(ConfigFactory.parseString(hocon)).root();
    CredentialSource s = new OAuth2CredentialSourceFactory().create(block, PATH, wrong);

    AuthenticationException e = assertThrows(AuthenticationException.class, s::get);

    assertTrue(e.getMessage().contains("invalid_client"), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("client-id and client-secret of profile 'work'"), e.hint().get());
    assertFalse(e.getMessage().contains("not-it"));
  }

  @Test void secretsComeFromTheResolver() {
    String hocon = oauth.oauth2Block(null);
    ConfigObject block = ConfigFactory.parseString("client-secret.env = CLIENT_SECRET, refresh-token.env = RT")
        .withFallback(ConfigFactory.parseString(hocon)).root();
    FakeResolver r = new FakeResolver(Map.of("CLIENT_SECRET", CLIENT_SECRET, "RT", REFRESH_TOKEN + "\n"));
    CredentialSource s = new OAuth2CredentialSourceFactory().create(block, PATH, r);

    assertEquals("access-1", s.get().reveal());
    assertEquals(REFRESH_TOKEN, oauth.tokenRequests().get(0).get("refresh_token"));
    assertTrue(r.warnings().isEmpty(), "an inline client-id is not a secret: " + r.warnings());
    assertEquals("oauth2:" + oauth.tokenUri().getAuthority() + " (refresh-token env:RT)", s.describe());
  }

  @Test void aSlowTokenEndpointIsATransientFailure() {
    OAuth2CredentialSource s = source("request-timeout = 300ms");
    oauth.enqueueDelay(Duration.ofSeconds(3));

    TransientMailException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(TransientMailException.class, s::get));

    assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
  }

  @Test void anUnreachableTokenEndpointIsATransientFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    CredentialSource s = OAuth2CredentialSource.builder()
        .tokenUri(URI.create("http://127.0.0.1:" + closedPort + "/token"))
        .clientId(CLIENT_ID).refreshToken(CredentialSource.of(REFRESH_TOKEN))
        .connectTimeout(Duration.ofSeconds(2)).build();

    TransientMailException e = assertThrows(TransientMailException.class, s::get);
    assertTrue(e.getMessage().startsWith("cannot reach the token endpoint 127.0.0.1:" + closedPort), e.getMessage());
    assertEquals(dev.herald.mail.MailException.Reason.CONNECTION_REFUSED, e.reason());
  }

  @Test void anUnavailableTokenEndpointIsTransient() {
    OAuth2CredentialSource s = source("");
    oauth.enqueue(503, "<html>Service Unavailable</html>");
    assertThrows(TransientMailException.class, s::get);
    oauth.enqueue(400, "{\"error\":\"temporarily_unavailable\"}");
    assertThrows(TransientMailException.class, s::get);
    assertEquals("access-1", s.get().reveal());
  }

  @Test void anAnswerThatIsNotATokenIsAPermanentFailureNamingTheKey() {
    OAuth2CredentialSource s = source("");
    oauth.enqueue(200, "<html>a login page</html>");
    MailException e = assertThrows(MailException.class, s::get);
    assertFalse(e instanceof TransientMailException);
    assertTrue(e.hint().orElseThrow().contains("oauth2.token-uri"));
  }

  @Test void aRotatedRefreshTokenIsUsedForTheNextRefresh() {
    OAuth2CredentialSource s = source("");
    oauth.enqueue(200, "{\"access_token\":\"a\",\"expires_in\":3600,\"refresh_token\":\"rotated\"}");
    assertEquals("a", s.get().reveal());
    s.invalidate();
    assertThrows(AuthenticationException.class, s::get);  // the fake only knows the original
    assertEquals("rotated", oauth.tokenRequests().get(1).get("refresh_token"));
  }

  @Test void scopesAreSentWithTheRefreshWhenAsked() {
    source("scope-on-refresh = true, scopes = [a, b]").get();
    assertEquals("a b", oauth.tokenRequests().get(0).get("scope"));
  }

  @Test void aTokenWithoutExpiryIsKeptUntilInvalidated() {
    OAuth2CredentialSource s = source("");
    oauth.enqueue(200, "{\"access_token\":\"forever\",\"token_type\":\"Bearer\"}");
    assertEquals("forever", s.get().reveal());
    clock.advance(Duration.ofDays(30));
    assertEquals("forever", s.get().reveal());
    s.invalidate();
    assertEquals("access-1", s.get().reveal());
  }

  @Test void concurrentCallersShareOneRefresh() throws Exception {
    OAuth2CredentialSource s = source("");
    oauth.enqueueDelay(Duration.ofMillis(300));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) calls.add(() -> s.get().reveal());
      Set<String> tokens = new java.util.HashSet<>();
      for (Future<String> f : pool.invokeAll(calls)) tokens.add(f.get());
      assertEquals(Set.of("access-1"), tokens);
      assertEquals(1, oauth.tokenRequests().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test void withoutARefreshTokenTheHintNamesHeraldAuth() {
    ConfigObject block = ConfigFactory.parseString(oauth.oauth2Block(null)).root();
    CredentialSource s = new OAuth2CredentialSourceFactory().create(block, PATH, resolver);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, s::get);
    assertEquals("profile 'work' has no oauth2.refresh-token", e.getMessage());
    assertTrue(e.hint().orElseThrow().startsWith("run `herald auth --profile work`"));
    assertTrue(oauth.tokenRequests().isEmpty());
  }

  @Test void anUnreadableRefreshTokenFileGetsTheAuthHint() {
    ConfigObject block = ConfigFactory.parseString(oauth.oauth2Block("refresh-token.file = \"/nonexistent/work.token\""))
        .root();
    CredentialSource s = new OAuth2CredentialSourceFactory().create(block, PATH, resolver);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, s::get);
    assertTrue(e.hint().orElseThrow().contains("herald auth --profile work"));
  }

  @Test void creatingTheSourceMakesNoRequest() {
    source("");
    assertTrue(oauth.tokenRequests().isEmpty());
  }

  @Test void describeAndToStringShowNoSecret() {
    OAuth2CredentialSource s = source("");
    s.get();
    assertNoSecrets(s.describe() + s + s.get());
    assertEquals("<redacted>", s.get().toString());
  }

  private static void assertNoSecrets(String text) {
    for (String secret : List.of(CLIENT_SECRET, REFRESH_TOKEN, "access-1", "access-2")) {
      assertFalse(text.contains(secret), "leaked " + secret + " in: " + text);
    }
  }

  @Test void unknownKeysAreConfigErrorsThatListTheKnownOnes() {
    ConfigObject block = ConfigFactory.parseString("client-id = x, token-uri = \"https://example.org/t\", tokne-uri = y")
        .root();
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> new OAuth2CredentialSourceFactory().create(block, PATH, resolver));
    assertTrue(e.getMessage().startsWith("unknown key 'tokne-uri' in " + PATH + " at String: 1"), e.getMessage());
    assertTrue(e.getMessage().contains("client-secret"), e.getMessage());
  }

  @Test void aPlainHttpTokenUriIsRefusedUnlessLoopback() {
    ConfigObject block = ConfigFactory.parseString("client-id = x, token-uri = \"http://example.org/token\"").root();
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> new OAuth2CredentialSourceFactory().create(block, PATH, resolver));
    assertTrue(e.getMessage().contains("must be an https URL"), e.getMessage());
  }

  @Test void aMissingTokenUriNamesTheKeyAndThePresets() {
    ConfigObject block = ConfigFactory.parseString("client-id = x").root();
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> new OAuth2CredentialSourceFactory().create(block, PATH, resolver));
    assertTrue(e.getMessage().contains("has no token-uri"), e.getMessage());
  }

  @Test void aBlockThatIsNotAnObjectIsAConfigError() {
    var value = ConfigFactory.parseString("oauth2 = yes").getValue("oauth2");
    assertThrows(InvalidConfigException.class, () -> new OAuth2CredentialSourceFactory().create(value, PATH, resolver));
  }

  @Test void theFactoryIsRegistered() {
    var names = new ArrayList<String>();
    java.util.ServiceLoader.load(dev.herald.mail.spi.CredentialSourceFactory.class).forEach(f -> names.add(f.name()));
    assertTrue(names.contains("oauth2"), names.toString());
    assertNull(OAuth2Settings.from(ConfigFactory.parseString("token-uri = \"https://e.org/t\""), PATH).authUri());
  }
}

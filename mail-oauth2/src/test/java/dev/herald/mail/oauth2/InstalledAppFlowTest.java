package dev.herald.mail.oauth2;

import static dev.herald.mail.oauth2.testing.FakeOAuthServer.CLIENT_ID;
import static dev.herald.mail.oauth2.testing.FakeOAuthServer.REFRESH_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.oauth2.testing.FakeOAuthServer;
import dev.herald.mail.oauth2.testing.FakeResolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald auth} end to end: the test plays the browser against a fake OAuth server. */
class InstalledAppFlowTest {
  private static final Pattern URL = Pattern.compile("^  (http\\S+)$", Pattern.MULTILINE);

  @TempDir Path tmp;
  private FakeOAuthServer oauth;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final FakeResolver resolver = new FakeResolver(Map.of());
  private final HttpClient browserClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  private final List<HttpResponse<String>> pages = new ArrayList<>();

  @BeforeEach void start() throws Exception { oauth = FakeOAuthServer.start(); }

  @AfterEach void stop() { oauth.close(); }

  private Config block(String extra) {
    return ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString(oauth.oauth2Block(null))).resolve();
  }

  private String output() { return printed.toString(StandardCharsets.UTF_8); }

  /** Reads the consent URL from what the flow printed, as a user would copy it. */
  private URI printedConsentUrl() {
    Matcher m = URL.matcher(output());
    assertTrue(m.find(), "no URL printed: " + output());
    return URI.create(m.group(1));
  }

  private HttpResponse<String> get(URI uri) {
    try {
      HttpResponse<String> r = browserClient.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      pages.add(r);
      return r;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A browser that opens the consent page, which approves and redirects back to Herald's listener. */
  private Consumer<URI> browser() {
    return uri -> {
      assertEquals(printedConsentUrl(), uri, "the URL handed to the browser is the one printed");
      get(uri);
    };
  }

  @Test void storesTheRefreshTokenOwnerOnly() throws Exception {
    Path file = tmp.resolve("new-dir").resolve("work.token");
    Path written = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> InstalledAppFlow.authorize("work",
        block("refresh-token.file = \"" + file + "\""), resolver, out, browser()));

    // The consent request: PKCE S256 with a challenge, a state, the loopback redirect, the scopes.
    Map<String, String> consent = oauth.consentRequests().get(0);
    assertEquals("code", consent.get("response_type"));
    assertEquals(CLIENT_ID, consent.get("client_id"));
    assertEquals("S256", consent.get("code_challenge_method"));
    assertEquals(43, consent.get("code_challenge").length());
    assertTrue(consent.get("state").length() >= 22, consent.get("state"));
    assertTrue(consent.get("redirect_uri").matches("http://127\\.0\\.0\\.1:\\d+/"), consent.get("redirect_uri"));
    assertEquals("https://mail.google.com/", consent.get("scope"));
    // The exchange: the verifier matches the challenge, the redirect URI is the same.
    Map<String, String> exchange = oauth.tokenRequests().get(0);
    assertEquals("authorization_code", exchange.get("grant_type"));
    assertEquals(consent.get("code_challenge"), FakeOAuthServer.s256(exchange.get("code_verifier")));
    assertEquals(consent.get("redirect_uri"), exchange.get("redirect_uri"));
    // The browser was told it worked, and the file holds the token, readable by its owner only.
    assertEquals(200, pages.get(0).statusCode());
    assertTrue(pages.get(0).body().contains("Herald is authorized"));
    assertEquals(file, written);
    assertEquals(REFRESH_TOKEN + "\n", Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    try (var leftovers = Files.list(file.getParent())) {
      assertEquals(List.of(file), leftovers.toList(), "no temporary file is left behind");
    }
    assertTrue(output().contains("Saved the refresh token of profile 'work' to " + file + " (readable by you only)."));
    assertFalse(output().contains("Add this"), output());
    assertFalse(output().contains(REFRESH_TOKEN), "the token is never printed");
    // The listener is one-shot: closed once the flow is done.
    URI redirect = URI.create(consent.get("redirect_uri"));
    assertThrows(Exception.class, () -> browserClient.send(HttpRequest.newBuilder(redirect).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  @Test void theStoredTokenWorksWithTheCredentialSource() {
    Path file = tmp.resolve("work.token");
    Config block = block("refresh-token.file = \"" + file + "\"");
    InstalledAppFlow.authorize("work", block, resolver, out, browser());

    var source = new OAuth2CredentialSourceFactory().create(block.root(), "herald.profiles.work.oauth2", resolver);
    assertEquals("access-2", source.get().reveal());
  }

  @Test void replacesAnExistingFileAndItsLoosePermissions() throws Exception {
    Path file = tmp.resolve("work.token");
    Files.writeString(file, "old-token\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    InstalledAppFlow.authorize("work", block("refresh-token.file = \"" + file + "\""), resolver, out, browser());

    assertEquals(REFRESH_TOKEN + "\n", Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test void withoutAConfiguredFileWritesTheDefaultAndNamesTheKeyToAdd() {
    Path written = InstalledAppFlow.authorize("work", block(""), resolver, out, browser(),
        Map.of("XDG_CONFIG_HOME", tmp.toString()));

    assertEquals(tmp.resolve("herald").resolve("work.token"), written);
    assertTrue(output().contains("Add this to the oauth2 block of profile 'work' in herald.conf:\n"
        + "  refresh-token.file = \"" + written + "\""), output());
  }

  @Test void aRefreshTokenFromAnotherSourceIsNotOverwrittenButTheUserIsTold() {
    Path written = InstalledAppFlow.authorize("work", block("refresh-token.env = WORK_TOKEN"), resolver, out,
        browser(), Map.of("XDG_CONFIG_HOME", tmp.toString()));

    assertTrue(Files.exists(written));
    assertTrue(output().contains("reads its refresh token from env:WORK_TOKEN"), output());
  }

  @Test void aRedirectWithAnotherStateIsIgnored() {
    Consumer<URI> forger = uri -> {
      URI redirect = URI.create(FakeOAuthServer.decode(uri.getRawQuery()).get("redirect_uri"));
      HttpResponse<String> forged = get(URI.create(redirect + "?code=evil&state=wrong"));
      assertEquals(400, forged.statusCode());
      assertEquals(404, get(URI.create(redirect + "favicon.ico")).statusCode());
      get(uri);  // then the real consent
    };
    Path file = tmp.resolve("work.token");
    InstalledAppFlow.authorize("work", block("refresh-token.file = \"" + file + "\""), resolver, out, forger);

    assertEquals(1, oauth.tokenRequests().size());
    assertTrue(output().contains("state did not match"), output());
  }

  @Test void aDeniedConsentIsAnAuthenticationFailure() {
    oauth.denyConsent();
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> InstalledAppFlow.authorize("work",
        block("refresh-token.file = \"" + tmp.resolve("t") + "\""), resolver, out, browser()));

    assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
    assertTrue(pages.get(0).body().contains("Not authorized"));
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  @Test void noAnswerFromTheBrowserTimesOut() {
    TransientMailException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(TransientMailException.class, () -> InstalledAppFlow.authorize("work",
            block("authorization-timeout = 300ms"), resolver, out, uri -> { }, Map.of("XDG_CONFIG_HOME", tmp.toString()))));

    assertTrue(e.getMessage().startsWith("no answer from the browser"), e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("herald auth --profile work"));
  }

  @Test void aConsentWithoutTheScopeIsWarnedAbout() {
    oauth.grantedScope("openid");
    InstalledAppFlow.authorize("work", block("refresh-token.file = \"" + tmp.resolve("t") + "\""), resolver, out,
        browser());
    assertTrue(output().contains("the consent did not grant https://mail.google.com/"), output());
  }

  @Test void anAnswerWithoutARefreshTokenSaysHowToGetOne() {
    oauth.enqueue(200, "{\"access_token\":\"only-access\",\"expires_in\":3600}");
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> InstalledAppFlow.authorize("work",
        block("refresh-token.file = \"" + tmp.resolve("t") + "\""), resolver, out, browser()));
    assertTrue(e.getMessage().contains("no refresh token"), e.getMessage());
    assertNotNull(e.hint().orElse(null));
  }

  @Test void extraConsentParametersAreSent() {
    InstalledAppFlow.authorize("work", block("refresh-token.file = \"" + tmp.resolve("t") + "\", "
        + "auth-params { access_type = offline, prompt = consent }"), resolver, out, browser());
    Map<String, String> consent = oauth.consentRequests().get(0);
    assertEquals("offline", consent.get("access_type"));
    assertEquals("consent", consent.get("prompt"));
  }

  @Test void aBrowserThatFailsToOpenIsNotFatal() {
    assertThrows(TransientMailException.class, () -> InstalledAppFlow.authorize("work",
        block("authorization-timeout = 200ms"), resolver, out, uri -> { throw new IllegalStateException("no display"); },
        Map.of("XDG_CONFIG_HOME", tmp.toString())));
    assertTrue(output().contains("could not open a browser"), output());
  }

  @Test void aBlockWithoutAuthUriIsAConfigError() {
    Config block = ConfigFactory.parseString("client-id = x, token-uri = \"https://example.org/token\"");
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> InstalledAppFlow.authorize("work", block, resolver, out, uri -> { }));
    assertTrue(e.getMessage().contains("has no auth-uri"), e.getMessage());
  }
}

package dev.herald.mail.oauth2;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Profile;
import dev.herald.mail.Stage;
import dev.herald.mail.oauth2.internal.LoopbackReceiver;
import dev.herald.mail.oauth2.internal.OAuth2Settings;
import dev.herald.mail.oauth2.internal.Pkce;
import dev.herald.mail.oauth2.internal.TokenEndpoint;
import dev.herald.mail.oauth2.internal.TokenErrors;
import dev.herald.mail.oauth2.internal.TokenFiles;
import dev.herald.mail.oauth2.internal.TokenResponse;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The OAuth2 installed-app flow behind {@code herald auth --profile NAME} (RFC 8252): obtains a
 * refresh token for a profile's {@code oauth2} block and stores it in a file only its owner can read.
 *
 * <ol>
 *   <li>listens on {@code 127.0.0.1} at a free port ({@code oauth2.redirect-port}) for one redirect;</li>
 *   <li>prints the consent URL (with a PKCE S256 challenge and a random {@code state}) and hands it to
 *       {@code browser}, which may open it;</li>
 *   <li>waits for the redirect, at most {@code oauth2.authorization-timeout};</li>
 *   <li>exchanges the code at {@code oauth2.token-uri} and writes the refresh token, atomically and
 *       {@code rw-------}, to {@code oauth2.refresh-token.file}, or when the profile names no file, to
 *       {@code $XDG_CONFIG_HOME/herald/NAME.token} and prints the line to add to the profile.</li>
 * </ol>
 *
 * <p>The CLI calls it with the resolved profile (its {@code oauth2} block has the preset's endpoints):
 * <pre>{@code
 * Path file = InstalledAppFlow.authorize(heraldConfig.profile(name), mailerFactory.resolver(warnings),
 *     System.out, InstalledAppFlow.desktopBrowser());
 * }</pre>
 */
public final class InstalledAppFlow {
  /** Scopes that a token response never lists back; not missing when absent. */
  private static final Set<String> UNLISTED_SCOPES = Set.of("offline_access", "openid", "profile", "email");

  private InstalledAppFlow() {}

  /**
   * Runs the flow for a resolved profile; see {@link #authorize(String, Config, CredentialSourceFactory.Resolver,
   * PrintStream, Consumer)}.
   *
   * @throws InvalidConfigException when the profile has no {@code oauth2} block
   */
  public static Path authorize(Profile profile, CredentialSourceFactory.Resolver resolver, PrintStream out,
      Consumer<URI> browser) {
    Config s = profile.settings();
    if (!s.hasPath("oauth2") || s.getValue("oauth2").valueType() != ConfigValueType.OBJECT
        || !s.hasPath("oauth2.client-id")) {
      throw new InvalidConfigException("profile '" + profile.name() + "' has no oauth2 client: add"
          + " oauth2 { client-id = \"…\", client-secret.env = VAR } to it (with preset = gmail or outlook for the"
          + " provider's endpoints), then run herald auth --profile " + profile.name() + " again");
    }
    return authorize(profile.name(), s.getConfig("oauth2"), resolver, out, browser);
  }

  /**
   * Runs the flow.
   *
   * @param profileName the profile, as in {@code herald auth --profile NAME}
   * @param oauth2Block the profile's effective {@code oauth2} block: client-id, client-secret, token-uri, auth-uri…
   * @param resolver resolves {@code client-id} / {@code client-secret} given as {@code .env}, {@code .file}, {@code .command}
   * @param out where the consent URL and the outcome are printed
   * @param browser opens the consent URL; {@link #desktopBrowser()}, or {@code uri -> {}} to only print it
   * @return the file the refresh token was written to
   * @throws InvalidConfigException when the block lacks client-id, token-uri or auth-uri
   * @throws AuthenticationException when the consent was refused or the code exchange failed
   * @throws dev.herald.mail.TransientMailException when the browser did not come back in time, or the token endpoint was unreachable
   * @throws dev.herald.mail.LocalIoException when the token file could not be written
   */
  public static Path authorize(String profileName, Config oauth2Block, CredentialSourceFactory.Resolver resolver,
      PrintStream out, Consumer<URI> browser) {
    return authorize(profileName, oauth2Block, resolver, out, browser, System.getenv());
  }

  static Path authorize(String profileName, Config block, CredentialSourceFactory.Resolver resolver, PrintStream out,
      Consumer<URI> browser, Map<String, String> env) {
    Objects.requireNonNull(profileName, "profileName");
    String path = ConfigUtil.joinPath("herald", "profiles", profileName) + ".oauth2";
    OAuth2Settings s = OAuth2Settings.from(block, path);
    if (!block.hasPath("client-id")) {
      throw new InvalidConfigException(path + " has no client-id: create an OAuth client (type \"Desktop app\") with"
          + " your provider and set " + path + ".client-id");
    }
    if (s.authUri() == null) {
      throw new InvalidConfigException(path + " has no auth-uri: set it to the provider's consent page, or use a"
          + " preset that has one (preset = gmail, outlook)");
    }
    ConfigValue idValue = block.getValue("client-id");
    String clientId = (idValue.valueType() == ConfigValueType.STRING ? CredentialSource.of((String) idValue.unwrapped())
        : resolver.resolve(idValue, path + ".client-id")).get().reveal().strip();
    String clientSecret = block.hasPath("client-secret")
        ? resolver.resolve(block.getValue("client-secret"), path + ".client-secret").get().reveal().strip() : null;
    ConfigValue configured = block.root().get("refresh-token");
    Path target = configuredFile(configured);
    boolean tellKey = target == null;
    if (target == null) target = HeraldConfig.configDirectory(env).resolve(fileName(profileName));

    Pkce pkce = Pkce.create();
    try (LoopbackReceiver receiver = LoopbackReceiver.start(s.redirectPort(), pkce.state(), profileName,
        notice -> out.println("herald: " + notice))) {
      URI redirect = receiver.redirectUri();
      URI consent = consentUri(s, clientId, redirect, pkce);
      out.println("To let Herald send mail for profile '" + profileName + "', open this address in a browser and"
          + " allow access:");
      out.println();
      out.println("  " + consent);
      out.println();
      out.println("Waiting up to " + LoopbackReceiver.pretty(s.authorizationTimeout()) + " for the browser to come back to "
          + redirect + " …");
      out.flush();
      try {
        if (browser != null) browser.accept(consent);
      } catch (RuntimeException e) {
        out.println("herald: could not open a browser (" + e.getClass().getSimpleName() + "); open the address above");
      }
      String code = receiver.awaitCode(s.authorizationTimeout());

      Map<String, String> form = new LinkedHashMap<>();
      form.put("grant_type", "authorization_code");
      form.put("code", code);
      form.put("redirect_uri", redirect.toString());
      form.put("client_id", clientId);
      if (clientSecret != null) form.put("client_secret", clientSecret);
      form.put("code_verifier", pkce.verifier());
      TokenErrors errors = TokenErrors.of(s.provider(), s.tokenUri(), profileName, TokenErrors.Grant.AUTHORIZATION_CODE);
      TokenResponse r = new TokenEndpoint(s.tokenUri(), s.connectTimeout(), s.requestTimeout()).post(form, errors);
      if (r.refreshToken() == null || r.refreshToken().isBlank()) throw noRefreshToken(errors);
      TokenFiles.writeOwnerOnly(target, r.refreshToken() + "\n");
      report(out, profileName, s, r, target, tellKey, configured);
      return target;
    }
  }

  /**
   * Opens a URL in the desktop's browser where there is one; does nothing on a headless machine
   * (the printed URL is enough there).
   */
  public static Consumer<URI> desktopBrowser() {
    return uri -> {
      try {
        if (GraphicsEnvironment.isHeadless() || !Desktop.isDesktopSupported()) return;
        Desktop desktop = Desktop.getDesktop();
        if (desktop.isSupported(Desktop.Action.BROWSE)) desktop.browse(uri);
      } catch (Exception | LinkageError e) {
        // No usable desktop (or no java.desktop module): the user opens the printed URL.
      }
    };
  }

  /** The file {@code herald auth} writes when a profile names none: {@code $XDG_CONFIG_HOME/herald/NAME.token}. */
  public static Path defaultTokenFile(String profileName) {
    return HeraldConfig.configDirectory(System.getenv()).resolve(fileName(profileName));
  }

  static URI consentUri(OAuth2Settings s, String clientId, URI redirect, Pkce pkce) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", clientId);
    q.put("redirect_uri", redirect.toString());
    if (!s.scopes().isEmpty()) q.put("scope", String.join(" ", s.scopes()));
    q.put("state", pkce.state());
    q.put("code_challenge", pkce.challenge());
    q.put("code_challenge_method", "S256");
    s.authParams().forEach(q::putIfAbsent);
    StringJoiner query = new StringJoiner("&");
    q.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
    String base = s.authUri().toString();
    return URI.create(base + (s.authUri().getRawQuery() == null ? "?" : "&") + query);
  }

  private static Path configuredFile(ConfigValue refreshToken) {
    if (refreshToken instanceof ConfigObject obj && obj.size() == 1 && obj.get("file") != null
        && obj.get("file").valueType() == ConfigValueType.STRING) {
      return HeraldConfig.expandHome((String) obj.get("file").unwrapped());
    }
    return null;
  }

  private static void report(PrintStream out, String profileName, OAuth2Settings s, TokenResponse r, Path target,
      boolean tellKey, ConfigValue configured) {
    out.println("Saved the refresh token of profile '" + profileName + "' to " + target + " (readable by you only).");
    if (tellKey) {
      String key = "refresh-token.file = \"" + target.toString().replace("\\", "\\\\") + "\"";
      if (configured == null) {
        out.println("Add this to the oauth2 block of profile '" + profileName + "' in herald.conf:");
      } else {
        out.println("Profile '" + profileName + "' reads its refresh token from " + describe(configured)
            + "; to use the new one, put this in its oauth2 block instead:");
      }
      out.println("  " + key);
    }
    if (r.scope() != null) {
      Set<String> granted = Arrays.stream(r.scope().split("[\\s,]+")).collect(Collectors.toSet());
      List<String> missing = s.scopes().stream()
          .filter(x -> !granted.contains(x) && !UNLISTED_SCOPES.contains(x)).collect(Collectors.toList());
      if (!missing.isEmpty()) {
        out.println("herald: warning: the consent did not grant " + String.join(", ", missing)
            + "; sending will fail: run herald auth --profile " + profileName + " again and allow every permission");
      }
    }
  }

  private static String describe(ConfigValue v) {
    if (v instanceof ConfigObject obj && obj.size() == 1) {
      String kind = obj.keySet().iterator().next();
      return kind + ":" + obj.get(kind).unwrapped();
    }
    return "a value written in the config";
  }

  private static AuthenticationException noRefreshToken(TokenErrors errors) {
    String how = switch (errors.provider()) {
      case GOOGLE -> "Google returns one only when the consent URL asks for offline access"
          + " (oauth2.auth-params { access_type = offline, prompt = consent }, as the gmail preset has)";
      case MICROSOFT -> "Microsoft returns one only for the offline_access scope: add it to oauth2.scopes";
      case OTHER -> "the provider may need an offline-access scope or parameter (oauth2.scopes, oauth2.auth-params)";
    };
    return new AuthenticationException("the token endpoint " + errors.endpoint() + " gave an access token but no"
        + " refresh token", Stage.AUTH, 0, null, null, how, null);
  }

  private static String fileName(String profileName) {
    return profileName.replaceAll("[^A-Za-z0-9._-]", "_") + ".token";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

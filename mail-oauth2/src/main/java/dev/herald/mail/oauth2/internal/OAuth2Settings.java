package dev.herald.mail.oauth2.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dev.herald.mail.InvalidConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@code oauth2 { … }} block read eagerly, over the defaults in mail-oauth2's
 * {@code reference.conf} ({@code herald.credential-sources.oauth2}). The three secrets
 * ({@code client-id}, {@code client-secret}, {@code refresh-token}) stay config values: they are
 * resolved into credential sources by the caller and read only when needed.
 *
 * @param path the block's full config path, for messages ({@code herald.profiles.work.oauth2})
 * @param profileName the profile the block belongs to, for the hints that name {@code herald auth}
 * @param block the block merged over the defaults
 * @param provider whose endpoints these are: the {@code provider} key, else known by the token URI's host
 * @param authUri the consent page, or null when the block has none (only {@code herald auth} needs it)
 */
public record OAuth2Settings(String path, String profileName, Config block, TokenErrors.Provider provider,
    URI tokenUri, URI authUri,
    List<String> scopes, Map<String, String> authParams, boolean scopeOnRefresh, Duration connectTimeout,
    Duration requestTimeout, Duration refreshBeforeExpiry, Duration authorizationTimeout, int redirectPort) {

  /** Where mail-oauth2's defaults live. */
  public static final String DEFAULTS_PATH = "herald.credential-sources.oauth2";

  /** Keys that have no default: the secrets and the provider's endpoints. */
  static final Set<String> KEYS_WITHOUT_DEFAULT = Set.of("client-id", "client-secret", "refresh-token", "token-uri",
      "auth-uri");

  public OAuth2Settings {
    scopes = List.copyOf(scopes);
    authParams = Map.copyOf(authParams);
  }

  /** mail-oauth2's defaults, from the {@code reference.conf} files on this module's class path. */
  public static Config defaults() {
    return ConfigFactory.defaultReference(OAuth2Settings.class.getClassLoader()).getConfig(DEFAULTS_PATH);
  }

  /**
   * Reads and checks a block.
   *
   * @throws InvalidConfigException naming the key and its file and line when a value is missing or wrong
   */
  public static OAuth2Settings from(Config userBlock, String path) {
    Config defaults = defaults();
    Config block = userBlock.withFallback(defaults);
    Set<String> known = new TreeSet<>(defaults.root().keySet());
    known.addAll(KEYS_WITHOUT_DEFAULT);
    for (Map.Entry<String, ConfigValue> e : userBlock.root().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new InvalidConfigException("unknown key '" + e.getKey() + "' in " + path + " at " + where(e.getValue())
            + "; keys of oauth2: " + String.join(", ", known));
      }
    }
    if (!block.hasPath("token-uri")) {
      throw new InvalidConfigException(path + " at " + where(userBlock.root()) + " has no token-uri: set "
          + path + ".token-uri to the provider's token endpoint, or use a preset that has one (preset = gmail, outlook)");
    }
    try {
      Map<String, String> params = new LinkedHashMap<>();
      block.getObject("auth-params").forEach((k, v) -> params.put(k, String.valueOf(v.unwrapped())));
      int port = block.getInt("redirect-port");
      if (port < 0 || port > 65535) {
        throw new InvalidConfigException(path + ".redirect-port at " + where(block.getValue("redirect-port"))
            + " must be a port number, or 0 for any free port");
      }
      URI tokenUri = uri(block, "token-uri", path);
      return new OAuth2Settings(path, profileName(path), block, provider(block, path, tokenUri), tokenUri,
          block.hasPath("auth-uri") ? uri(block, "auth-uri", path) : null, block.getStringList("scopes"), params,
          block.getBoolean("scope-on-refresh"), positive(block, "connect-timeout", path),
          positive(block, "request-timeout", path), block.getDuration("refresh-before-expiry"),
          positive(block, "authorization-timeout", path), port);
    } catch (ConfigException e) {
      throw new InvalidConfigException(path + ": " + e.getMessage(), e);
    }
  }

  /** The profile's name from a path {@code herald.profiles.NAME.oauth2}; {@code NAME} when the path is another. */
  static String profileName(String path) {
    String prefix = "herald.profiles.", suffix = ".oauth2";
    if (path != null && path.startsWith(prefix) && path.endsWith(suffix) && path.length() > prefix.length() + suffix.length()) {
      String name = path.substring(prefix.length(), path.length() - suffix.length());
      return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1) : name;
    }
    return "NAME";
  }

  /** Where a value was written: file and line. */
  public static String where(ConfigValue value) {
    String d = value.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }

  private static TokenErrors.Provider provider(Config block, String path, URI tokenUri) {
    String p = block.getString("provider").strip();
    if (p.isEmpty()) return TokenErrors.Provider.of(tokenUri);
    try {
      return TokenErrors.Provider.valueOf(p.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(path + ".provider at " + where(block.getValue("provider")) + " is '" + p
          + "'; choose google, microsoft, other, or \"\" to tell by token-uri");
    }
  }

  private static Duration positive(Config block, String key, String path) {
    Duration d = block.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidConfigException(path + "." + key + " at " + where(block.getValue(key)) + " must be longer than 0");
    }
    return d;
  }

  private static URI uri(Config block, String key, String path) {
    String text = block.getString(key);
    String problem;
    try {
      URI u = new URI(text.strip());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!u.isAbsolute() || u.getHost() == null) problem = "must be an absolute https URL";
      else if (scheme.equals("https") || scheme.equals("http") && isLoopback(u.getHost())) return u;
      else problem = "must be an https URL (plain http only to 127.0.0.1 or localhost)";
    } catch (URISyntaxException e) {
      problem = "is not a URL (" + e.getReason() + ")";
    }
    throw new InvalidConfigException(path + "." + key + " at " + where(block.getValue(key)) + " " + problem);
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }
}

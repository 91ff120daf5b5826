package dev.herald.mail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Herald's configuration: the user's HOCON file layered over every module's
 * {@code reference.conf}. Profiles are read from {@code herald.profiles}, presets from
 * {@code herald.presets}, transport defaults (and the keys a profile may set) from
 * {@code herald.transports}.
 *
 * <p>Lookup of the user's file: an explicit path, else {@code $HERALD_CONFIG}, else
 * {@code $XDG_CONFIG_HOME/herald/herald.conf} (default {@code ~/.config/herald/herald.conf}); with
 * none of them present, the built-in defaults alone (the {@code outbox} profile).
 */
public final class HeraldConfig {
  private final Config root;
  private final Path file;
  private final String envProfile;

  private HeraldConfig(Config root, Path file, String envProfile) {
    this.root = root;
    this.file = file;
    this.envProfile = envProfile;
  }

  /** The default lookup, with the process environment. */
  public static HeraldConfig load() { return load(null, System.getenv(), ConfigFactory.empty()); }

  /**
   * Loads the configuration.
   *
   * @param explicitFile a file named by the user ({@code --config}), or null for the default lookup
   * @param env the environment ({@code HERALD_CONFIG}, {@code HERALD_PROFILE}, {@code XDG_CONFIG_HOME})
   * @param overrides keys that win over the file, such as the CLI's {@code --set}
   * @throws InputNotFoundException when a named file does not exist
   * @throws InvalidConfigException when the file does not parse or resolve; the message names file and line
   */
  public static HeraldConfig load(Path explicitFile, Map<String, String> env, Config overrides) {
    Path file = explicitFile;
    boolean named = file != null;
    if (file == null && notBlank(env.get("HERALD_CONFIG"))) {
      file = expandHome(env.get("HERALD_CONFIG"));
      named = true;
    }
    if (file == null) {
      Path candidate = configDirectory(env).resolve("herald.conf");
      if (Files.exists(candidate)) file = candidate;
    }
    if (named && !Files.isRegularFile(file)) {
      throw new InputNotFoundException("config file " + file + " does not exist"
          + (explicitFile == null ? " (named by $HERALD_CONFIG)" : "") + "; check the path");
    }
    if (named && !Files.isReadable(file)) {
      throw new InputNotFoundException("config file " + file + " cannot be read; check its permissions");
    }
    try {
      Config user = file == null ? ConfigFactory.empty()
          : ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      Config root = ConfigFactory.load(overrides.withFallback(user));
      return new HeraldConfig(root, file, env.get("HERALD_PROFILE"));
    } catch (ConfigException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  /** The built-in defaults only: every {@code reference.conf} on the class path. */
  public static HeraldConfig defaults() {
    return of(ConfigFactory.empty());
  }

  /** A configuration from a ready {@link Config} (tests, embedding), layered over the defaults. */
  public static HeraldConfig of(Config config) {
    try {
      return new HeraldConfig(ConfigFactory.load(config), null, null);
    } catch (ConfigException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  /** The whole resolved tree, defaults included. */
  public Config root() { return root; }

  /** The user's file, when one was read. */
  public Optional<Path> file() { return Optional.ofNullable(file); }

  /** {@code $HERALD_PROFILE}, else {@code herald.profile}. */
  public String defaultProfileName() {
    return notBlank(envProfile) ? envProfile : root.getString("herald.profile");
  }

  public SortedSet<String> profileNames() { return keys("herald.profiles"); }

  public SortedSet<String> presetNames() { return keys("herald.presets"); }

  /**
   * The named profile, merged with its presets and its transport's defaults, every key checked.
   *
   * @throws InvalidConfigException for an unknown profile, preset or key, naming the choices
   */
  public Profile profile(String name) {
    Objects.requireNonNull(name, "name");
    String path = ConfigUtil.joinPath("herald", "profiles", name);
    if (!root.hasPath(path) || !(root.getValue(path) instanceof com.typesafe.config.ConfigObject)) {
      throw new InvalidConfigException("unknown profile '" + name + "'" + inFile()
          + "; known profiles: " + String.join(", ", profileNames()));
    }
    return Profile.resolve(name, root.getConfig(path), root);
  }

  /** A profile given directly as a {@link Config} (e.g. a test server's), merged like a named one. */
  public Profile profile(String name, Config settings) {
    return Profile.resolve(name, settings, root);
  }

  private String inFile() {
    return file == null ? " (no config file: see the README's configuration section)" : " in " + file;
  }

  private SortedSet<String> keys(String path) {
    return root.hasPath(path) ? new TreeSet<>(root.getObject(path).keySet()) : new TreeSet<>();
  }

  /**
   * {@code $XDG_CONFIG_HOME/herald}, else {@code ~/.config/herald}: where {@code herald.conf} is looked
   * for, and where providers keep what belongs beside it (the OAuth2 source's token files).
   */
  public static Path configDirectory(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = notBlank(xdg) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("herald");
  }

  /**
   * A path from a config file, with a leading {@code ~} or {@code ~/} meaning the home directory as
   * in a shell (config files are written by people); for every provider that reads paths.
   */
  public static Path expandHome(String path) {
    if (path.equals("~")) return Path.of(System.getProperty("user.home"));
    if (path.startsWith("~/")) return Path.of(System.getProperty("user.home"), path.substring(2));
    return Path.of(path);
  }

  private static boolean notBlank(String s) { return s != null && !s.isBlank(); }
}

package dev.herald.mail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.internal.credentials.CommandSourceFactory;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A resolved profile: the user's keys over its presets over its transport's defaults.
 *
 * @param name the profile's name
 * @param transport the transport name the profile selects
 * @param settings the effective settings handed to the transport factory
 */
public record Profile(String name, String transport, Config settings) {

  /**
   * Keys every profile may set, whatever its transport; {@code aliases} and {@code local-domain} turn
   * the bare user names of sendmail mode into addresses; {@code queue} names the store
   * {@link Mailer#enqueue} uses, {@code queue-retry} its worker's schedule.
   */
  public static final Set<String> COMMON_KEYS = Set.of("preset", "transport", "description", "from",
      "reply-to", "headers", "username", "password", "token", "oauth2", "aliases", "local-domain",
      "text-from-html", "queue", "queue-retry");

  static Profile resolve(String name, Config user, Config root) {
    try {
      Config merged = user;
      Set<String> seen = new LinkedHashSet<>();
      Config current = user;
      Config presets = ConfigFactory.empty();
      while (current.hasPath("preset")) {
        String preset = current.getString("preset");
        String path = ConfigUtil.joinPath("herald", "presets", preset);
        if (!seen.add(preset)) throw new InvalidConfigException("presets refer to each other in a loop: " + seen);
        if (!root.hasPath(path)) {
          throw new InvalidConfigException("unknown preset '" + preset + "' in profile '" + name + "' at "
              + where(current.getValue("preset")) + "; known presets: "
              + String.join(", ", new TreeSet<>(root.getObject("herald.presets").keySet())));
        }
        current = root.getConfig(path);
        merged = merged.withFallback(current);
        presets = presets.withFallback(current);
      }
      if (!merged.hasPath("transport")) {
        throw new InvalidConfigException("profile '" + name + "' at " + where(user.root())
            + " names no transport: set transport = smtp (or file) or a preset such as preset = gmail");
      }
      String transport = merged.getString("transport");
      String defaultsPath = ConfigUtil.joinPath("herald", "transports", transport);
      Config defaults = root.hasPath(defaultsPath) ? root.getConfig(defaultsPath) : ConfigFactory.empty();
      for (Map.Entry<String, ConfigValue> e : merged.root().entrySet()) {
        String key = e.getKey();
        if (!COMMON_KEYS.contains(key) && !defaults.root().containsKey(key)) {
          if (!user.hasPath(key) && presets.hasPath("transport") && !presets.getString("transport").equals(transport)) {
            throw transportAndPresetDiffer(name, user, presets.getString("transport"));
          }
          Set<String> known = new TreeSet<>(defaults.root().keySet());
          known.addAll(COMMON_KEYS);
          throw new InvalidConfigException("unknown key '" + key + "' in profile '" + name + "' at "
              + where(e.getValue()) + "; keys of transport " + transport + ": " + String.join(", ", known));
        }
      }
      checkLocalRecipientKeys(name, merged);
      return new Profile(name, transport, merged.withFallback(defaults).resolve());
    } catch (ConfigException e) {
      throw new InvalidConfigException("profile '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * A profile that keeps its own transport (the built-in outbox's {@code file}) under a preset made for
   * another ({@code --set preset=mailpit}): the preset's keys cannot apply. Says what was combined, and how
   * to give the preset a profile of its own.
   */
  private static InvalidConfigException transportAndPresetDiffer(String name, Config user, String presetTransport) {
    String preset = user.getString("preset");
    return new InvalidConfigException("profile '" + name + "' uses transport " + user.getString("transport") + " ("
        + origin(user.getValue("transport")) + "), but preset '" + preset + "' (" + origin(user.getValue("preset"))
        + ") is made for transport " + presetTransport + ": a profile cannot have both", null, 0, null, null,
        "give the preset a profile of its own: --set herald.profiles." + preset
            + ".preset=" + preset + " --profile " + preset + ", or herald.profiles.NAME { preset = " + preset
            + " } in herald.conf", null);
  }

  /** Where a value was set, for people: the file and line, the --set option, or Herald's built-in defaults. */
  private static String origin(ConfigValue v) {
    var o = v.origin();
    if (o.filename() != null) return o.filename() + ":" + o.lineNumber();
    if (o.url() != null || o.resource() != null) return "built in";
    return o.description() == null ? "?" : o.description().replaceFirst("^merge of ", "");
  }

  /** {@code aliases} names a file; {@code local-domain} is a domain (bare names become name@domain). */
  private static void checkLocalRecipientKeys(String name, Config merged) {
    for (String key : List.of("aliases", "local-domain")) {
      if (!merged.hasPath(key)) continue;
      ConfigValue v = merged.getValue(key);
      if (v.valueType() != ConfigValueType.STRING) {
        throw new InvalidConfigException(key + " in profile '" + name + "' at " + where(v) + " must be a string, got "
            + v.render(com.typesafe.config.ConfigRenderOptions.concise()));
      }
    }
    String domain = merged.hasPath("local-domain") ? merged.getString("local-domain").strip() : "";
    if (domain.isEmpty()) return;
    try {
      if (domain.indexOf('@') >= 0) throw new InvalidMessageException(domain);
      Address.parse("postmaster@" + domain);
    } catch (InvalidMessageException e) {
      throw new InvalidConfigException("local-domain = \"" + domain + "\" in profile '" + name + "' at "
          + where(merged.getValue("local-domain")) + " is not a domain name; write it as example.org");
    }
  }

  /**
   * The effective settings as flat {@code key = value} lines. Every value under a secret key (see
   * {@link #isSecretKey}) is shown as {@code <redacted>}, whatever its type (a number, a list, an
   * object); of a secret's source only its name is shown: {@code .env} and {@code .file} as written,
   * {@code .command} as the command source describes itself (its program, not its arguments).
   */
  public Map<String, String> redacted() {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", settings.root(), out, false);
    return out;
  }

  private static void flatten(String prefix, ConfigValue value, Map<String, String> out, boolean secret) {
    if (value instanceof ConfigObject obj) {
      for (String key : new TreeSet<>(obj.keySet())) {
        String path = prefix.isEmpty() ? key : prefix + "." + key;
        boolean s = secret || isSecretKey(key);
        ConfigValue child = obj.get(key);
        if (s && (key.equals("env") || key.equals("file"))) {
          flatten(path, child, out, false); // the name of a variable or file is not the secret
        } else if (s && key.equals("command")) {
          out.put(path, child.valueType() == ConfigValueType.STRING
              ? CommandSourceFactory.describe((String) child.unwrapped()) : "<redacted>");
        } else {
          flatten(path, child, out, s);
        }
      }
    } else if (secret) {
      out.put(prefix, "<redacted>");
    } else {
      out.put(prefix, value.render(com.typesafe.config.ConfigRenderOptions.concise()));
    }
  }

  /**
   * Whether a config key names a secret ({@code password}, {@code client-secret}, {@code token},
   * {@code refresh-token}, {@code inline}; not {@code token-uri}): its value is never printed, and
   * the CLI's {@code --set} keeps it a string.
   */
  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token") && !k.endsWith("-uri")
        || k.equals("inline");
  }

  private static String where(ConfigValue v) {
    String d = v.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }

  @Override public String toString() { return "Profile[" + name + ", transport=" + transport + "]"; }
}

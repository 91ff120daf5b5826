package dev.herald.mail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
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

  /** Keys every profile may set, whatever its transport. */
  public static final Set<String> COMMON_KEYS = Set.of("preset", "transport", "description", "from",
      "reply-to", "headers", "username", "password", "token", "oauth2", "dkim");

  static Profile resolve(String name, Config user, Config root) {
    try {
      Config merged = user;
      Set<String> seen = new LinkedHashSet<>();
      Config current = user;
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
          Set<String> known = new TreeSet<>(defaults.root().keySet());
          known.addAll(COMMON_KEYS);
          throw new InvalidConfigException("unknown key '" + key + "' in profile '" + name + "' at "
              + where(e.getValue()) + "; keys of transport " + transport + ": " + String.join(", ", known));
        }
      }
      return new Profile(name, transport, merged.withFallback(defaults).resolve());
    } catch (ConfigException e) {
      throw new InvalidConfigException("profile '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The effective settings as flat {@code key = value} lines, inline secrets shown as {@code <redacted>}. */
  public Map<String, String> redacted() {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", settings.root(), out, false);
    return out;
  }

  private static void flatten(String prefix, ConfigValue value, Map<String, String> out, boolean secret) {
    if (value instanceof ConfigObject obj) {
      for (String key : new TreeSet<>(obj.keySet())) {
        boolean s = secret || isSecretKey(key);
        // The name of a variable, file or command is not the secret itself.
        boolean pointer = s && List.of("env", "file", "command").contains(key);
        flatten(prefix.isEmpty() ? key : prefix + "." + key, obj.get(key), out, s && !pointer);
      }
    } else if (secret && value.valueType() == ConfigValueType.STRING) {
      out.put(prefix, "<redacted>");
    } else {
      out.put(prefix, value.render(com.typesafe.config.ConfigRenderOptions.concise()));
    }
  }

  private static boolean isSecretKey(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token") && !k.endsWith("-uri")
        || k.equals("inline") || k.equals("private-key");
  }

  private static String where(ConfigValue v) {
    String d = v.origin().description();
    return d == null ? "?" : d.replaceFirst("^merge of ", "");
  }

  @Override public String toString() { return "Profile[" + name + ", transport=" + transport + "]"; }
}

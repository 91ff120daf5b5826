package dev.herald.mail.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.herald.mail.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code --set key=value} options of one run. A key is relative to the chosen profile
 * ({@code --set port=2525} is {@code herald.profiles.<profile>.port}); a key that starts with
 * {@code herald.} is taken from the root ({@code --set herald.profile=work}).
 *
 * <p>Values are strings (Typesafe Config turns {@code "2525"} into a number and {@code "30s"} into
 * a duration where a number or duration is read); a value that starts with {@code [} or
 * <code>{</code> is parsed as HOCON, for lists and objects ({@code --set auth=[plain]}). The value of a
 * secret key ({@link Profile#isSecretKey}: {@code password}, {@code oauth2.client-secret}…) is always
 * the string as given.
 */
final class Overrides {
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,9}");

  private final List<Entry> entries;

  private record Entry(String key, ConfigValue value, boolean root) { }

  private Overrides(List<Entry> entries) { this.entries = entries; }

  static Overrides parse(List<String> sets) {
    List<Entry> out = new ArrayList<>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) throw new UsageException("--set '" + s + "': expected KEY=VALUE, e.g. --set port=2525");
      String key = s.substring(0, eq).strip();
      String raw = s.substring(eq + 1);
      try {
        ConfigUtil.splitPath(key);
      } catch (ConfigException e) {
        throw new UsageException("--set '" + s + "': '" + key + "' is not a config key (" + e.getMessage() + ")");
      }
      boolean root = key.equals("herald") || key.startsWith("herald.");
      out.add(new Entry(key, value(key, raw), root));
    }
    return new Overrides(out);
  }

  private static ConfigValue value(String key, String raw) {
    String origin = "--set " + key;
    // A secret is what the user typed, character for character: --set password=123456 is no number,
    // and a password may well start with '[' or '{'.
    for (String part : ConfigUtil.splitPath(key)) {
      if (Profile.isSecretKey(part)) return ConfigValueFactory.fromAnyRef(raw, origin);
    }
    String v = raw.strip();
    if (v.startsWith("[") || v.startsWith("{")) {
      try {
        return ConfigFactory.parseString("v = " + v, com.typesafe.config.ConfigParseOptions.defaults()
            .setOriginDescription(origin)).getValue("v");
      } catch (ConfigException e) {
        if (v.startsWith("[") && v.endsWith("]")) { // [a@example.com, b@example.com]: a list of plain strings
          List<String> items = new ArrayList<>();
          for (String item : v.substring(1, v.length() - 1).split(",")) if (!item.isBlank()) items.add(item.strip());
          return ConfigValueFactory.fromIterable(items, origin);
        }
        throw new UsageException("--set " + key + ": '" + raw + "' is not a HOCON list or object (" + e.getMessage() + ")");
      }
    }
    if (INTEGER.matcher(v).matches()) return ConfigValueFactory.fromAnyRef(Integer.parseInt(v), origin);
    if (v.equals("true") || v.equals("false")) return ConfigValueFactory.fromAnyRef(Boolean.parseBoolean(v), origin);
    return ConfigValueFactory.fromAnyRef(raw, origin);
  }

  boolean hasProfileKeys() { return entries.stream().anyMatch(e -> !e.root()); }

  /** The keys given from the root. */
  Config root() {
    Config c = ConfigFactory.empty();
    for (Entry e : entries) if (e.root()) c = c.withValue(e.key(), e.value());
    return c;
  }

  /** Every key, the relative ones placed under {@code herald.profiles.<profile>}. */
  Config forProfile(String profile) {
    Config c = ConfigFactory.empty();
    String base = ConfigUtil.joinPath("herald", "profiles", profile);
    for (Entry e : entries) c = c.withValue(e.root() ? e.key() : base + "." + e.key(), e.value());
    return c;
  }
}

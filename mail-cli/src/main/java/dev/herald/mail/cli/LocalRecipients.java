package dev.herald.mail.cli;

import dev.herald.mail.Address;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MailException;
import dev.herald.mail.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recipients of sendmail mode that are bare user names ({@code root}, as cron and mail(1) pass them),
 * turned into addresses as msmtp does: through the profile's {@code aliases} file ({@code /etc/aliases}
 * format; {@code default:} catches names it does not list), else by appending {@code local-domain}.
 * A name neither resolves is an error that names both settings. Addresses pass unchanged.
 */
final class LocalRecipients {
  /** A dot-atom without {@code @}: what cron, at and mail(1) pass for a local user. */
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+");
  private static final String DEFAULT = "default";

  private final String profile;
  private final Path aliasesFile;
  private final String localDomain;
  private Map<String, Entry> aliases;

  private record Entry(List<String> values, int line) { }

  private LocalRecipients(String profile, Path aliasesFile, String localDomain) {
    this.profile = profile;
    this.aliasesFile = aliasesFile;
    this.localDomain = localDomain;
  }

  /** The profile's {@code aliases} and {@code local-domain}; the file is read only when a bare name comes. */
  static LocalRecipients of(Profile profile) {
    var s = profile.settings();
    String file = s.hasPath("aliases") ? s.getString("aliases").strip() : "";
    String domain = s.hasPath("local-domain") ? s.getString("local-domain").strip() : "";
    return new LocalRecipients(profile.name(), file.isEmpty() ? null : HeraldConfig.expandHome(file),
        domain.isEmpty() ? null : domain);
  }

  /**
   * The addresses of a comma-separated list such as a recipient argument or a To field (groups and
   * comments already removed); bare names are resolved, everything else parsed as an address.
   */
  List<String> addresses(String list) {
    List<String> out = new ArrayList<>();
    for (String item : splitTopLevel(list)) {
      String s = item.strip();
      if (s.isEmpty()) continue;
      if (BARE.matcher(s).matches()) out.addAll(resolve(s));
      else for (Address a : Address.parseList(s)) out.add(a.address());
    }
    return out;
  }

  /** The addresses a bare name stands for. */
  List<String> resolve(String name) {
    Set<String> out = new LinkedHashSet<>();
    expand(name, new LinkedHashSet<>(), out);
    return List.copyOf(out);
  }

  private void expand(String name, Set<String> seen, Set<String> out) {
    String key = name.toLowerCase(Locale.ROOT);
    Map<String, Entry> map = aliases();
    Entry e = null;
    if (seen.add(key)) {   // a loop (root: root) ends at the name itself
      e = map.get(key);
      if (e == null && map.containsKey(DEFAULT) && seen.add(DEFAULT)) e = map.get(DEFAULT);
    }
    if (e == null) {
      out.add(withLocalDomain(name));
      return;
    }
    for (String v : e.values()) {
      if (v.startsWith("/") || v.startsWith("|") || v.startsWith(":include:") || v.startsWith("\"|")) {
        throw new InvalidMessageException("alias '" + key + "' (" + aliasesFile + ":" + e.line() + ") delivers to '" + v
            + "': herald only sends to addresses", null, 0, null, null,
            "map '" + key + "' to an address in " + aliasesFile, null);
      }
      if (v.indexOf('@') >= 0) {
        try {
          out.add(Address.parse(v).address());
        } catch (MailException ex) {
          throw new InvalidConfigException("alias '" + key + "' at " + aliasesFile + ":" + e.line() + ": " + ex.getMessage(), ex);
        }
      } else {
        expand(v, seen, out);   // sendmail's aliases refer to each other (postmaster: root)
      }
    }
  }

  private String withLocalDomain(String name) {
    if (localDomain != null) return Address.parse(name + "@" + localDomain).address();
    String example = name + "@example.org";
    throw new InvalidMessageException("recipient '" + name + "' is a local user name, not an address, and profile '"
        + profile + "' " + (aliasesFile == null ? "has no aliases file" : "has no alias for it in " + aliasesFile)
        + " and no local-domain", null, 0, null, null,
        "set local-domain = example.org in profile '" + profile + "' (" + name + " becomes " + example
            + "), or aliases = /etc/aliases with a '" + name + ":' or 'default:' entry", null);
  }

  private Map<String, Entry> aliases() {
    if (aliases == null) aliases = aliasesFile == null ? Map.of() : read(aliasesFile);
    return aliases;
  }

  /**
   * Reads an aliases file: {@code name: value, value}, {@code #} comments, continuation lines that
   * start with a space or tab; names are case-insensitive and the first entry of a name counts.
   */
  static Map<String, Entry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InputNotFoundException("aliases file " + file + " (the profile's aliases) does not exist; check the path");
    } catch (IOException e) {
      throw new InputNotFoundException("aliases file " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, Entry> out = new HashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    int start = 0;
    for (int i = 0; i <= lines.size(); i++) {
      String line = i < lines.size() ? stripComment(lines.get(i)) : "";
      boolean continuation = i < lines.size() && !line.isBlank() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
      if (continuation) {
        if (name == null) throw new InvalidConfigException("aliases file " + file + ":" + (i + 1) + ": a continuation line with no entry before it");
        value.append(',').append(line);
        continue;
      }
      if (name != null) {
        out.putIfAbsent(name, new Entry(values(value.toString()), start));
        name = null;
      }
      if (i == lines.size() || line.isBlank()) continue;
      int colon = line.indexOf(':');
      if (colon <= 0 || line.substring(0, colon).strip().isEmpty() || line.substring(0, colon).strip().contains(" ")) {
        throw new InvalidConfigException("aliases file " + file + ":" + (i + 1) + ": expected 'name: address, …', got '"
            + line.strip() + "'");
      }
      name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      value.setLength(0);
      value.append(line.substring(colon + 1));
      start = i + 1;
    }
    return out;
  }

  private static String stripComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return line.substring(0, i);
    }
    return line;
  }

  private static List<String> values(String text) {
    List<String> out = new ArrayList<>();
    for (String v : splitTopLevel(text)) if (!v.isBlank()) out.add(v.strip());
    return out;
  }

  /** Splits at commas outside quotes and angle brackets. */
  static List<String> splitTopLevel(String list) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    int angle = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (quoted && c == '\\' && i + 1 < list.length()) {
        sb.append(c).append(list.charAt(++i));
        continue;
      }
      if (c == '"') quoted = !quoted;
      else if (!quoted && c == '<') angle++;
      else if (!quoted && c == '>') angle = Math.max(0, angle - 1);
      else if (!quoted && angle == 0 && c == ',') {
        out.add(sb.toString());
        sb.setLength(0);
        continue;
      }
      sb.append(c);
    }
    out.add(sb.toString());
    return out;
  }
}

package dev.herald.mail.smtp.internal;

import dev.herald.mail.smtp.SmtpReply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The extensions an EHLO reply advertises: keyword (upper case) to its parameters. Immutable. */
public final class Capabilities {
  /** What a server that answered HELO, not EHLO, supports: nothing. */
  public static final Capabilities NONE = new Capabilities(Map.of(), List.of());

  private final Map<String, String> keywords;
  private final List<String> lines;
  private final Set<String> auth;
  private final long size;

  private Capabilities(Map<String, String> keywords, List<String> lines) {
    this.keywords = keywords;
    this.lines = lines;
    Set<String> mechs = new LinkedHashSet<>();
    for (String key : new String[] {"AUTH", "AUTH="}) {
      String v = keywords.get(key);
      if (v != null) for (String m : v.split(" ")) if (!m.isBlank()) mechs.add(m.strip().toUpperCase(Locale.ROOT));
    }
    this.auth = Collections.unmodifiableSet(mechs);
    long s = -1;
    String sv = keywords.get("SIZE");
    if (sv != null) {
      try {
        s = sv.isBlank() ? 0 : Long.parseLong(sv.strip());
      } catch (NumberFormatException e) {
        s = 0;
      }
    }
    this.size = s;
  }

  /** Parses an EHLO reply; its first line is the server's greeting name, the rest are keywords. */
  public static Capabilities parse(SmtpReply ehlo) {
    Map<String, String> map = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i < ehlo.lines().size(); i++) {
      String l = ehlo.lines().get(i).strip();
      if (l.isEmpty()) continue;
      lines.add(l);
      int sp = indexOfSeparator(l);
      String key = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
      String params = sp < 0 ? "" : l.substring(sp + 1).strip();
      if (key.startsWith("AUTH=")) { params = l.substring(5) + (params.isEmpty() ? "" : " " + params); key = "AUTH="; }
      map.merge(key, params, (a, b) -> a.isEmpty() ? b : a + " " + b);
    }
    return new Capabilities(Collections.unmodifiableMap(map), List.copyOf(lines));
  }

  private static int indexOfSeparator(String l) {
    for (int i = 0; i < l.length(); i++) if (l.charAt(i) == ' ') return i;
    return -1;
  }

  public boolean has(String keyword) { return keywords.containsKey(keyword); }

  /** SASL mechanisms offered, upper case. */
  public Set<String> authMechanisms() { return auth; }

  /** The SIZE limit in octets: -1 when SIZE is not offered, 0 when offered without a limit. */
  public long sizeLimit() { return size; }

  public boolean pipelining() { return has("PIPELINING"); }
  public boolean chunking() { return has("CHUNKING"); }
  public boolean startTls() { return has("STARTTLS"); }
  public boolean smtpUtf8() { return has("SMTPUTF8"); }
  public boolean eightBitMime() { return has("8BITMIME"); }
  public boolean dsn() { return has("DSN"); }

  /** The keyword lines as the server sent them, for {@code herald check}. */
  public List<String> lines() { return lines; }

  @Override public String toString() { return String.join(", ", lines); }
}

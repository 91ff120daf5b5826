package dev.herald.mail.testkit.internal;

import dev.herald.mail.Address;
import dev.herald.mail.MailException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The pieces of RFC 5321 syntax the mock server parses: paths, ESMTP parameters, lines. */
public final class SmtpSyntax {
  private SmtpSyntax() { }

  /** A path and its parameters: {@code FROM:<a@b> SIZE=1} → address {@code a@b}, rest {@code SIZE=1}. */
  public record Path(String address, Map<String, String> parameters) { }

  /**
   * Parses {@code keyword<address> params} (keyword {@code FROM:} or {@code TO:}, any case, spaces
   * allowed after the colon); a source route ({@code <@relay:a@b>}) is dropped. Null when malformed.
   */
  public static Path path(String arg, String keyword) {
    if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
    String s = arg.substring(keyword.length()).stripLeading();
    if (!s.startsWith("<")) return null;
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted) i++;
      else if (c == '"') quoted = !quoted;
      else if (c == '>' && !quoted) {
        String addr = s.substring(1, i);
        int colon = addr.indexOf(':');
        if (addr.startsWith("@") && colon > 0) addr = addr.substring(colon + 1);
        return new Path(addr, parameters(s.substring(i + 1)));
      }
    }
    return null;
  }

  /** {@code KEY=VALUE KEY2} → ordered map with upper-case keys; a key without value maps to {@code ""}. */
  public static Map<String, String> parameters(String s) {
    Map<String, String> p = new LinkedHashMap<>();
    if (s == null || s.isBlank()) return p;
    for (String t : s.strip().split(" +")) {
      int eq = t.indexOf('=');
      p.put((eq < 0 ? t : t.substring(0, eq)).toUpperCase(Locale.ROOT), eq < 0 ? "" : t.substring(eq + 1));
    }
    return p;
  }

  /**
   * A mailbox as {@link Address#parse} accepts it, with no display name, angle brackets, comment or
   * white space (which a message header may hold, but an SMTP path may not).
   */
  public static boolean validMailbox(String a) {
    try {
      Address.parse(a);
      int quote = a.lastIndexOf('"');
      if (quote >= 0 && !a.startsWith("\"")) return false;
      String rest = a.substring(quote + 1);
      return rest.indexOf('<') < 0 && rest.indexOf(' ') < 0 && rest.indexOf('\t') < 0 && rest.indexOf('(') < 0;
    } catch (MailException e) {
      return false;
    }
  }

  public static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
    return true;
  }

  /** A received line as text (UTF-8), without its CRLF or LF. */
  public static String text(byte[] raw) {
    int n = raw.length;
    if (n > 0 && raw[n - 1] == '\n') n--;
    if (n > 0 && raw[n - 1] == '\r') n--;
    return new String(raw, 0, n, StandardCharsets.UTF_8);
  }

  /** The line that ends DATA: {@code .} followed by CRLF (or a bare LF). */
  public static boolean isEndOfData(byte[] l) {
    return (l.length == 3 && l[0] == '.' && l[1] == '\r' && l[2] == '\n') || (l.length == 2 && l[0] == '.' && l[1] == '\n');
  }
}

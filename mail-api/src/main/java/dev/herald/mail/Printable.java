package dev.herald.mail;

/**
 * Text from outside (a server's reply, a certificate, a header, a token endpoint) made safe to print
 * on a terminal and in a one-line message: every control character (C0, DEL and C1) is shown as a
 * visible escape, so that an {@code ESC [2J} from a hostile server cannot clear the screen, colour
 * the output or forge a line. The one home of this rule: the SMTP client's exceptions and trace, the
 * OAuth2 errors, the dev server and the CLI's error printer all go through it. Public for the
 * same use outside Herald: a transport or credential source of your own that quotes its peer in an
 * exception, or an application that prints a {@link SendReceipt.Rejection}'s text.
 */
public final class Printable {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Printable() {}

  /**
   * {@code s} with {@code \r}, {@code \n}, {@code \t} and {@code \0} as those two-character escapes and
   * every other control character as {@code \xHH} (C0, DEL) or {@code \u0080}-style (C1); {@code s}
   * itself when it has none (no copy), and {@code "null"} for null.
   */
  public static String escape(String s) {
    if (s == null) return "null";
    int i = 0;
    int n = s.length();
    while (i < n && !isControl(s.charAt(i))) i++;
    if (i == n) return s;
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (!isControl(c)) {
        sb.append(c);
        continue;
      }
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\0' -> sb.append("\\0");
        default -> {
          if (c < 0x80) sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          else sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
      }
    }
    return sb.toString();
  }

  /**
   * {@link #escape} for a message that must stay on one line and read as prose: each line break
   * ({@code CRLF}, {@code CR} or {@code LF}) becomes one space first.
   */
  public static String oneLine(String s) {
    if (s == null) return "null";
    return escape(s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' '));
  }

  /** C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). */
  public static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }
}

package dev.herald.mail.internal;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.Priority;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the common message, text and/or HTML without attachments, straight to bytes. jakarta.mail
 * builds an object tree and looks its stream provider up with a ServiceLoader scan several times a
 * message; for the shape most applications send, that was most of the CPU a send took. Messages with
 * attachments or internationalised addresses go through jakarta.mail. The output follows the same
 * rules: 7-bit, CRLF, lines of at most 78 octets in headers and 76 in encoded bodies, RFC 2047 for
 * non-ASCII header text.
 */
final class SimpleRenderer {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private SimpleRenderer() {}

  static boolean canRender(Email email, boolean utf8) {
    return !utf8 && email.attachments().isEmpty();
  }

  static byte[] render(Email email, String messageId) {
    StringBuilder out = new StringBuilder(512 + email.text().map(String::length).orElse(0)
        + email.html().map(String::length).orElse(0));
    ZonedDateTime date = email.date().orElseGet(ZonedDateTime::now);
    header(out, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(date));
    addresses(out, "From", List.of(email.from().orElseThrow()));
    if (email.sender().isPresent()) addresses(out, "Sender", List.of(email.sender().get()));
    if (!email.replyTo().isEmpty()) addresses(out, "Reply-To", email.replyTo());
    if (!email.to().isEmpty()) addresses(out, "To", email.to());
    if (!email.cc().isEmpty()) addresses(out, "Cc", email.cc());
    // Bcc is deliberately never written: it travels in the envelope only.
    unstructured(out, "Subject", email.subject());
    header(out, "Message-ID", messageId);
    if (email.priority() != Priority.NORMAL) {
      header(out, "X-Priority", email.priority().xPriority());
      header(out, "Importance", email.priority().importance());
    }
    for (Map.Entry<String, String> h : email.headers().entrySet()) unstructured(out, h.getKey(), h.getValue());
    header(out, "MIME-Version", "1.0");
    String text = email.text().orElse(null);
    String html = email.html().orElse(null);
    if (text != null && html != null) {
      String boundary = boundary();
      header(out, "Content-Type", "multipart/alternative;\r\n boundary=\"" + boundary + "\"");
      out.append("\r\n");
      out.append("--").append(boundary).append("\r\n");
      part(out, "plain", text);
      out.append("\r\n--").append(boundary).append("\r\n");
      part(out, "html", html);
      out.append("\r\n--").append(boundary).append("--\r\n");
    } else {
      part(out, html != null ? "html" : "plain", html != null ? html : text == null ? "" : text);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A body part's Content-Type and transfer encoding headers, a blank line, and its content. */
  private static void part(StringBuilder out, String subtype, String content) {
    String body = MimeRenderer.crlf(content);
    boolean ascii = isAscii(body);
    header(out, "Content-Type", "text/" + subtype + "; charset=" + (ascii ? "us-ascii" : "UTF-8"));
    if (ascii && maxLineLength(body) <= 998) {
      header(out, "Content-Transfer-Encoding", "7bit");
      out.append("\r\n").append(body);
    } else {
      header(out, "Content-Transfer-Encoding", "quoted-printable");
      out.append("\r\n");
      quotedPrintable(out, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void header(StringBuilder out, String name, String value) {
    out.append(name).append(": ").append(value).append("\r\n");
  }

  /** Address lists, one mailbox per folded line past the first when they get long. */
  private static void addresses(StringBuilder out, String name, List<Address> list) {
    out.append(name).append(": ");
    int column = name.length() + 2;
    for (int i = 0; i < list.size(); i++) {
      String mailbox = mailbox(list.get(i));
      if (i > 0) {
        out.append(',');
        column++;
        if (column + 1 + mailbox.length() > 76) {
          out.append("\r\n");
          column = 0;
        }
        out.append(' ');
        column++;
      }
      out.append(mailbox);
      column += mailbox.length();
    }
    out.append("\r\n");
  }

  private static String mailbox(Address a) {
    String addr = a.asciiAddress();
    String name = a.displayName();
    if (name == null) return addr;
    if (!isAscii(name)) return encodedWords(name, 0) + " <" + addr + ">";
    return (isAtomPhrase(name) ? name : quoted(name)) + " <" + addr + ">";
  }

  /** Unstructured text (Subject, custom headers): as is when short ASCII, else RFC 2047 words. */
  private static void unstructured(StringBuilder out, String name, String value) {
    if (isAscii(value) && isPrintable(value) && value.length() + name.length() + 2 <= 76) {
      header(out, name, value);
      return;
    }
    if (isAscii(value) && isPrintable(value) && longestWord(value) + name.length() + 2 <= 998) {
      out.append(name).append(':');
      foldAtSpaces(out, " " + value, name.length() + 1);
      out.append("\r\n");
      return;
    }
    out.append(name).append(": ").append(encodedWords(value, name.length() + 2)).append("\r\n");
  }

  /** Folds before spaces so lines stay under 78 octets; a word longer than a line stays whole (≤ 998). */
  private static void foldAtSpaces(StringBuilder out, String text, int column) {
    int start = 0;
    while (start < text.length()) {
      int next = text.indexOf(' ', start + 1);
      String word = text.substring(start, next < 0 ? text.length() : next);
      if (column + word.length() > 76 && column > 1) {
        out.append("\r\n");
        column = 0;
      }
      out.append(word);
      column += word.length();
      start = next < 0 ? text.length() : next;
    }
  }

  private static int longestWord(String s) {
    int max = 0;
    for (String w : s.split(" ")) max = Math.max(max, w.length());
    return max;
  }

  /** {@code =?UTF-8?B?…?=} words of at most 75 octets, split on code points, folded between words. */
  static String encodedWords(String text, int column) {
    StringBuilder out = new StringBuilder();
    byte[] chunk = new byte[45];
    // The first word shares its line with the header name; later ones start a folded line.
    int capacity = Math.max(6, Math.min(45, (76 - column - 12) / 4 * 3));
    int n = 0;
    boolean first = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      if (n + bytes.length > capacity) {
        capacity = 45;
        first = word(out, chunk, n, first);
        n = 0;
      }
      System.arraycopy(bytes, 0, chunk, n, bytes.length);
      n += bytes.length;
      i += Character.charCount(cp);
    }
    if (n > 0 || first) word(out, chunk, n, first);
    return out.toString();
  }

  private static boolean word(StringBuilder out, byte[] chunk, int n, boolean first) {
    if (!first) out.append("\r\n ");
    byte[] part = new byte[n];
    System.arraycopy(chunk, 0, part, 0, n);
    out.append("=?UTF-8?B?").append(B64.encodeToString(part)).append("?=");
    return false;
  }

  /** RFC 2045 quoted-printable of CRLF-separated lines: hard breaks kept, soft breaks at 76. */
  static void quotedPrintable(StringBuilder out, byte[] b) {
    int column = 0;
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xff;
      if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
        out.append("\r\n");
        column = 0;
        i++;
        continue;
      }
      boolean lineEnd = i + 1 == b.length || (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n');
      boolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lineEnd);
      int width = literal ? 1 : 3;
      // Keep room for the soft break's "=" unless this is the line's last character.
      if (column + width > (lineEnd ? 76 : 75)) {
        out.append("=\r\n");
        column = 0;
      }
      if (literal) {
        out.append((char) c);
      } else {
        out.append('=').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
      column += width;
    }
  }

  private static String boundary() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "=_herald_" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
    return true;
  }

  private static boolean isPrintable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) return false;
    }
    return true;
  }

  private static boolean isAtomPhrase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-/=?^_`{|}~ ".indexOf(c) >= 0;
      if (!atext) return false;
    }
    return !s.isBlank();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static int maxLineLength(String s) {
    int max = 0, cur = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') { cur = 0; } else if (c != '\r') { max = Math.max(max, ++cur); }
    }
    return max;
  }
}

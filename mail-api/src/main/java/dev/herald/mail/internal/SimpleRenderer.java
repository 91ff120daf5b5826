package dev.herald.mail.internal;

import dev.herald.mail.Address;
import dev.herald.mail.Attachment;
import dev.herald.mail.Email;
import dev.herald.mail.Priority;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the common message straight to bytes: text and/or HTML, with attachments and inline parts
 * streamed from their sources as base64 while the message is written. jakarta.mail builds an object
 * tree and looks its stream provider up with a ServiceLoader scan several times a message; for the
 * shape most applications send, that was most of the CPU a send took, and for a large attachment it
 * meant more code to load and compile (memory). Internationalised addresses, and attachments whose
 * type, name or Content-ID is out of the ordinary, go through jakarta.mail. The output follows the
 * same rules: 7-bit, CRLF, lines of at most 78 octets in headers and 76 in encoded bodies, RFC 2047
 * for non-ASCII header text, RFC 2231 for non-ASCII or long file names.
 */
final class SimpleRenderer {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final char[] BOUNDARY_CHARS = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private SimpleRenderer() {}

  static boolean canRender(Email email, boolean utf8) {
    if (utf8) return false;
    for (Attachment a : email.attachments()) {
      if (!plainContentType(a.contentType())) return false;
      if (a.inline() && !(isPrintableAscii(a.contentId()) && a.contentId().length() <= 200 && a.contentId().indexOf(' ') < 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The message as segments: {@code byte[]} for headers and text, an {@link Attachment} where its
   * content goes (as base64 lines with CRLF between them, none after the last).
   */
  static List<Object> render(Email email, String messageId) {
    StringBuilder out = new StringBuilder(512 + email.text().map(String::length).orElse(0)
        + email.html().map(String::length).orElse(0));
    header(out, "Date", email.date().isPresent() ? DateHeader.format(email.date().get()) : DateHeader.now());
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
    List<Object> segments = new ArrayList<>(1 + 2 * email.attachments().size());
    List<Attachment> inline = new ArrayList<>();
    List<Attachment> attached = new ArrayList<>();
    for (Attachment a : email.attachments()) (a.inline() ? inline : attached).add(a);
    if (attached.isEmpty()) {
      related(out, segments, email, inline);
    } else {
      String boundary = boundary();
      header(out, "Content-Type", "multipart/mixed;\r\n boundary=\"" + boundary + "\"");
      out.append("\r\n--").append(boundary).append("\r\n");
      related(out, segments, email, inline);
      for (Attachment a : attached) {
        out.append("\r\n--").append(boundary).append("\r\n");
        attachment(out, segments, a);
      }
      out.append("\r\n--").append(boundary).append("--\r\n");
    }
    segments.add(ascii(out));
    return segments;
  }

  /** The body, in multipart/related with its inline parts when it has any. */
  private static void related(StringBuilder out, List<Object> segments, Email email, List<Attachment> inline) {
    if (inline.isEmpty()) {
      body(out, email);
      return;
    }
    String boundary = boundary();
    // RFC 2387 requires type=, the root part's type: what body() writes first.
    String root = email.text().isPresent() && email.html().isPresent() ? "multipart/alternative"
        : email.html().isPresent() ? "text/html" : "text/plain";
    header(out, "Content-Type", "multipart/related; type=\"" + root + "\";\r\n boundary=\"" + boundary + "\"");
    out.append("\r\n--").append(boundary).append("\r\n");
    body(out, email);
    for (Attachment a : inline) {
      out.append("\r\n--").append(boundary).append("\r\n");
      attachment(out, segments, a);
    }
    out.append("\r\n--").append(boundary).append("--\r\n");
  }

  /** An attachment's headers and a blank line; its content becomes a segment of its own. */
  private static void attachment(StringBuilder out, List<Object> segments, Attachment a) {
    String type = a.contentType();
    // RFC 2046 5.2: a message/* body (but message/global, RFC 6532) may not be base64-encoded, and
    // attachments are; an attached .eml therefore goes as a file, its name telling readers what it is.
    if (type.regionMatches(true, 0, "message/", 0, 8) && !type.regionMatches(true, 0, "message/global", 0, 14)) {
      type = "application/octet-stream";
    }
    // As jakarta.mail does for base64 text: without a charset, readers would assume US-ASCII.
    if (type.regionMatches(true, 0, "text/", 0, 5) && !type.toLowerCase(Locale.ROOT).contains("charset=")) {
      type += "; charset=UTF-8";
    }
    parameterized(out, "Content-Type: " + type, "name", a.fileName());
    header(out, "Content-Transfer-Encoding", "base64");
    parameterized(out, "Content-Disposition: " + (a.inline() ? "inline" : "attachment"), "filename", a.fileName());
    if (a.inline()) header(out, "Content-ID", "<" + a.contentId() + ">");
    out.append("\r\n");
    segments.add(ascii(out));
    out.setLength(0);
    segments.add(a);
  }

  private static byte[] ascii(StringBuilder out) {
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A header line with one parameter, folded before the parameter when the line would pass 76. */
  private static void parameterized(StringBuilder out, String head, String attribute, String value) {
    out.append(head);
    int column = head.length();
    for (String p : parameter(attribute, value)) {
      out.append(';');
      column++;
      if (column + 1 + p.length() > 76) {
        out.append("\r\n");
        column = 0;
      }
      out.append(' ').append(p);
      column += 1 + p.length();
    }
    out.append("\r\n");
  }

  /**
   * {@code name="value"} for printable ASCII; else RFC 2231 {@code name*=UTF-8''percent-encoded}.
   * A value too long for one line is split into RFC 2231 continuations ({@code name*0}, {@code name*1}…).
   */
  static List<String> parameter(String attribute, String value) {
    int room = 76 - 1 - attribute.length() - 6; // a folded line: space, attribute, *NN*= and quotes
    List<String> out = new ArrayList<>();
    if (isPrintableAscii(value)) {
      String quoted = quoted(value);
      if (attribute.length() + 1 + quoted.length() <= 76 - 1) return List.of(attribute + "=" + quoted);
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        int width = c == '"' || c == '\\' ? 2 : 1;
        if (chunk.length() + width > room) {
          out.add(attribute + "*" + out.size() + "=\"" + chunk + "\"");
          chunk.setLength(0);
        }
        if (width == 2) chunk.append('\\');
        chunk.append(c);
      }
      out.add(attribute + "*" + out.size() + "=\"" + chunk + "\"");
      return out;
    }
    String encoded = percentEncoded(value);
    if (attribute.length() + 9 + encoded.length() <= 76 - 1) return List.of(attribute + "*=UTF-8''" + encoded);
    int start = 0;
    while (start < encoded.length()) {
      int end = Math.min(encoded.length(), start + room - (start == 0 ? 7 : 0));
      // Never split a %XX triplet.
      if (end < encoded.length() && encoded.charAt(end - 1) == '%') end -= 1;
      else if (end < encoded.length() && end >= 2 && encoded.charAt(end - 2) == '%') end -= 2;
      out.add(attribute + "*" + out.size() + "*=" + (start == 0 ? "UTF-8''" : "") + encoded.substring(start, end));
      start = end;
    }
    return out;
  }

  /** RFC 2231 attribute-char kept as is, every other UTF-8 octet as %XX. */
  private static String percentEncoded(String value) {
    StringBuilder sb = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (keep) sb.append((char) c);
      else sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
    }
    return sb.toString();
  }

  /** {@code type/subtype}, optionally with parameters, none of them a name: the usual, safe shape. */
  static boolean plainContentType(String type) {
    if (!isPrintableAscii(type) || type.length() > 100 || type.toLowerCase(Locale.ROOT).contains("name")) return false;
    int semi = type.indexOf(';');
    String base = (semi < 0 ? type : type.substring(0, semi)).strip();
    int slash = base.indexOf('/');
    return slash > 0 && slash < base.length() - 1 && isToken(base.substring(0, slash)) && isToken(base.substring(slash + 1));
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) return false;
    }
    return !s.isEmpty();
  }

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }

  /** The message body: text, HTML, or both as multipart/alternative. */
  private static void body(StringBuilder out, Email email) {
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
  }

  /** A body part's Content-Type and transfer encoding headers, a blank line, and its content. */
  private static void part(StringBuilder out, String subtype, String content) {
    String body = MimeRenderer.crlf(content);
    int longest = asciiLongestLine(body);
    boolean ascii = longest >= 0;
    header(out, "Content-Type", "text/" + subtype + "; charset=" + (ascii ? "us-ascii" : "UTF-8"));
    // RFC 2045 2.7: 7bit data has no NUL (and CR, LF only as CRLF, which crlf() made sure of).
    if (ascii && longest <= 998 && body.indexOf('\0') < 0) {
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

  /**
   * 100 unpredictable bits: a boundary a recipient could guess from an earlier message (as from a
   * seeded PRNG) could be written into a text body to forge a MIME part.
   */
  private static String boundary() {
    byte[] r = new byte[20];
    MimeRenderer.randomBytes(r);
    StringBuilder sb = new StringBuilder("=_herald_");
    for (byte b : r) sb.append(BOUNDARY_CHARS[(b & 0xff) % 32]);
    return sb.toString();
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

  /** The longest line's length (CR and LF not counted) of ASCII text; -1 if it is not ASCII. */
  private static int asciiLongestLine(String s) {
    int max = 0, cur = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x7f) return -1;
      if (c == '\n') {
        max = Math.max(max, cur);
        cur = 0;
      } else if (c != '\r') {
        cur++;
      }
    }
    return Math.max(max, cur);
  }
}

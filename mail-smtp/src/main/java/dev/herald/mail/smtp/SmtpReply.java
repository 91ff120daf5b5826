package dev.herald.mail.smtp;

import java.util.List;

/**
 * One reply of an SMTP server: its code, the RFC 3463 enhanced status code if the server gave one,
 * and its text lines (code and enhanced code stripped).
 *
 * @param code the three-digit reply code
 * @param enhancedCode such as {@code 5.7.8}, or null
 * @param lines the text of each line, at least one (possibly empty)
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

  public SmtpReply {
    if (code < 200 || code > 599) throw new IllegalArgumentException("reply code out of range: " + code);
    lines = List.copyOf(lines);
    if (lines.isEmpty()) lines = List.of("");
  }

  /** 2xx. */
  public boolean positive() { return code < 300; }

  /** 3xx: the server waits for more (354 after DATA, 334 during AUTH). */
  public boolean intermediate() { return code >= 300 && code < 400; }

  /** 4xx: worth retrying later. */
  public boolean transientNegative() { return code >= 400 && code < 500; }

  /** 5xx. */
  public boolean permanentNegative() { return code >= 500; }

  /** The text, lines joined with a space. */
  public String text() {
    return lines.size() == 1 ? lines.get(0) : String.join(" ", lines);
  }

  /** {@code 250 2.0.0 OK}: code, enhanced code and text on one line. */
  @Override public String toString() {
    String t = text();
    return code + (enhancedCode == null ? "" : " " + enhancedCode) + (t.isEmpty() ? "" : " " + t);
  }
}

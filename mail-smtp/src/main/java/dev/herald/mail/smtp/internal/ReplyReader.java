package dev.herald.mail.smtp.internal;

import dev.herald.mail.MalformedReplyException;
import dev.herald.mail.Stage;
import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies byte by byte from its own buffer, so that it can tell whether the server sent
 * more than it was asked for (STARTTLS injection) and so that a hostile server cannot make it hang
 * on an endless line or exhaust memory: lines over {@value #MAX_LINE} octets and replies over
 * {@value #MAX_LINES} lines are a {@link MalformedReplyException}.
 */
public final class ReplyReader {
  static final int MAX_LINE = 2000;
  static final int MAX_LINES = 100;

  private final InputStream in;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int limit;
  private final byte[] line = new byte[MAX_LINE + 2];

  public ReplyReader(InputStream in) {
    this.in = in;
  }

  /** True when bytes the server sent are waiting unread. */
  public boolean hasBuffered() throws IOException {
    return pos < limit || in.available() > 0;
  }

  /**
   * Reads one whole reply; each raw line goes to {@code trace}.
   *
   * @throws EOFException when the server closed the connection
   * @throws MalformedReplyException when the reply breaks RFC 5321's syntax or Herald's size caps
   */
  public SmtpReply read(Stage stage, Trace trace) throws IOException {
    List<String> lines = null;  // made for multi-line replies only: most replies are one line
    int code = -1;
    String enhanced = null;
    while (true) {
      int n = readLine(stage);
      String raw = new String(line, 0, n, StandardCharsets.UTF_8);
      trace.server(raw);
      if (n < 3 || !digit(0, '2', '5') || !digit(1, '0', '9') || !digit(2, '0', '9') || (n > 3 && line[3] != ' ' && line[3] != '-')) {
        throw malformed(stage, "the server sent a line that is not an SMTP reply: " + shorten(raw));
      }
      int c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (code >= 0 && c != code) throw malformed(stage, "the server changed the reply code within one reply: " + shorten(raw));
      code = c;
      String text = n > 4 ? raw.substring(4) : "";
      int e = enhancedEnd(text, code / 100);
      if (e > 0) {
        if (enhanced == null) enhanced = text.substring(0, e);
        text = text.substring(Math.min(text.length(), e + 1));
      }
      boolean last = n == 3 || line[3] == ' ';
      if (last && lines == null) return new SmtpReply(code, enhanced, List.of(text));
      if (lines == null) lines = new ArrayList<>(8);
      lines.add(text);
      if (last) return new SmtpReply(code, enhanced, lines);
      if (lines.size() >= MAX_LINES) throw malformed(stage, "the server sent a reply of more than " + MAX_LINES + " lines");
    }
  }

  /** Reads a line into {@link #line}, without its CRLF (a bare LF is accepted as well); returns its length. */
  private int readLine(Stage stage) throws IOException {
    int n = 0;
    while (true) {
      if (pos == limit) fill();
      int end = pos;
      while (end < limit && buf[end] != '\n') end++;
      int k = end - pos;
      if (n + k > MAX_LINE + 1) throw malformed(stage, "the server sent a reply line longer than " + MAX_LINE + " octets");
      System.arraycopy(buf, pos, line, n, k);
      n += k;
      pos = end;
      if (end < limit) {
        pos++;
        if (n > 0 && line[n - 1] == '\r') n--;
        return n;
      }
    }
  }

  private void fill() throws IOException {
    int r = in.read(buf, 0, buf.length);
    if (r < 0) throw new EOFException("the server closed the connection");
    pos = 0;
    limit = r;
  }

  private boolean digit(int i, char lo, char hi) {
    return line[i] >= lo && line[i] <= hi;
  }

  /** Length of a leading RFC 3463 code ({@code class.subject.detail}) whose class matches the reply, else 0. */
  static int enhancedEnd(String t, int replyClass) {
    if (t.length() < 5 || t.charAt(0) != (char) ('0' + replyClass) || t.charAt(1) != '.') return 0;
    int i = 2;
    int start = i;
    while (i < t.length() && i - start < 3 && Character.isDigit(t.charAt(i))) i++;
    if (i == start || i >= t.length() || t.charAt(i) != '.') return 0;
    start = ++i;
    while (i < t.length() && i - start < 3 && Character.isDigit(t.charAt(i))) i++;
    if (i == start) return 0;
    if (i < t.length() && t.charAt(i) != ' ') return 0;
    return i;
  }

  private static String shorten(String s) {
    return Printable.escape(s.length() > 80 ? s.substring(0, 80) + "…" : s);
  }

  private static MalformedReplyException malformed(Stage stage, String message) {
    return new MalformedReplyException(message, stage, 0, null, null,
        "the server is not speaking SMTP correctly; check host and port (and tls = implicit for port 465)", null);
  }
}

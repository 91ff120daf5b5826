package dev.herald.mail.testkit.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads CRLF (or bare LF) terminated lines with a hard limit on their length, so a client that
 * never sends a line break cannot make the server buffer without end. Keeps its own buffer, so it
 * can tell how many bytes a client sent ahead (pipelining, or plaintext after STARTTLS).
 */
public final class LineReader {
  /** A line longer than the limit; its bytes were consumed up to and including the line break. */
  public static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    public LineTooLongException(int limit) { super("line longer than " + limit + " octets"); }
  }

  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;

  public LineReader(InputStream in) { this.in = in; }

  /** Bytes received and not yet read. */
  public int buffered() { return end - pos; }

  /** Forgets the buffered bytes and returns how many there were. */
  public int discardBuffered() {
    int n = end - pos;
    pos = end = 0;
    return n;
  }

  /**
   * Reads one line including its terminator; null at end of stream (a partial last line is
   * returned as is). Throws {@link LineTooLongException} after skipping a line longer than {@code limit}.
   */
  public byte[] readLine(int limit) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
    boolean tooLong = false;
    while (true) {
      if (pos == end && !fill()) {
        if (tooLong) throw new LineTooLongException(limit);
        return line.size() == 0 ? null : line.toByteArray();
      }
      int start = pos;
      while (pos < end && buf[pos] != '\n') pos++;
      boolean found = pos < end;
      if (found) pos++;
      if (!tooLong) {
        if (line.size() + (pos - start) > limit) {
          tooLong = true;
          line.reset();
        } else {
          line.write(buf, start, pos - start);
        }
      }
      if (found) {
        if (tooLong) throw new LineTooLongException(limit);
        return line.toByteArray();
      }
    }
  }

  /** Reads exactly {@code n} bytes into {@code sink} (or skips them when sink is null); false at end of stream. */
  public boolean readExactly(long n, java.io.OutputStream sink) throws IOException {
    while (n > 0) {
      if (pos == end && !fill()) return false;
      int k = (int) Math.min(n, end - pos);
      if (sink != null) sink.write(buf, pos, k);
      pos += k;
      n -= k;
    }
    return true;
  }

  /** Reads and drops whatever arrives until end of stream. */
  public void drain() throws IOException {
    while (true) {
      pos = end = 0;
      if (!fill()) return;
    }
  }

  private boolean fill() throws IOException {
    if (pos == end) pos = end = 0;
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) return false;
    end += n;
    return true;
  }
}

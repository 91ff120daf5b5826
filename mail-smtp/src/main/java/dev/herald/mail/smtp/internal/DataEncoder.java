package dev.herald.mail.smtp.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns message octets into what may go on the wire, in one pass: every CR, LF or CRLF becomes
 * CRLF (no bare CR or LF reaches the server — the SMTP smuggling class of bugs), lines starting
 * with "." are dot-stuffed for DATA, and a line over {@value #MAX_LINE} octets stops the stream.
 * Counts the canonical size (CRLF line endings, before dot-stuffing), as SIZE wants it.
 */
public final class DataEncoder extends OutputStream {
  /** RFC 5322 2.1.1: at most 998 characters, excluding the CRLF. */
  public static final int MAX_LINE = 998;

  /** The message has a line over {@value #MAX_LINE} octets; nothing more is written. */
  public static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    LineTooLongException(long lineNumber) {
      super("line " + lineNumber + " of the message is longer than " + MAX_LINE + " octets");
    }
  }

  private final byte[] out = new byte[8192];
  private int n;
  private OutputStream sink;
  private boolean dotStuff;
  private boolean lineStart;
  private boolean pendingCr;
  private int lineLength;
  private long lineNumber;
  private long size;
  private LineTooLongException failure;

  /** Starts a new message; reusable, so the hot path makes no garbage. */
  public DataEncoder reset(OutputStream sink, boolean dotStuff) {
    this.sink = sink;
    this.dotStuff = dotStuff;
    this.lineStart = true;
    this.pendingCr = false;
    this.lineLength = 0;
    this.lineNumber = 1;
    this.size = 0;
    this.n = 0;
    this.failure = null;
    return this;
  }

  @Override public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override public void write(byte[] b, int off, int len) throws IOException {
    if (failure != null) throw failure;
    int end = off + len;
    int i = off;
    while (i < end) {
      if (pendingCr) {
        pendingCr = false;
        newline();
        if (b[i] == '\n') {
          i++;
          continue;
        }
      }
      if (lineStart && b[i] == '.' && dotStuff) {
        room(1);
        out[n++] = '.';
      }
      // Copy the run of ordinary octets up to the next CR or LF in one go.
      int j = i;
      while (j < end && b[j] != '\r' && b[j] != '\n') j++;
      int run = j - i;
      if (run > 0) {
        if (lineLength + run > MAX_LINE) {
          failure = new LineTooLongException(lineNumber);
          throw failure;
        }
        copy(b, i, run);
        lineLength += run;
        size += run;
        lineStart = false;
        i = j;
      }
      if (i < end) {
        if (b[i] == '\r') pendingCr = true;
        else newline();
        i++;
      }
    }
  }

  private void room(int k) throws IOException {
    if (n > out.length - k) drain();
  }

  private void copy(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (n == out.length) drain();
      int k = Math.min(len, out.length - n);
      System.arraycopy(b, off, out, n, k);
      n += k;
      off += k;
      len -= k;
    }
  }

  private void newline() throws IOException {
    room(2);
    out[n++] = '\r';
    out[n++] = '\n';
    size += 2;
    lineStart = true;
    lineLength = 0;
    lineNumber++;
  }

  private void drain() throws IOException {
    sink.write(out, 0, n);
    n = 0;
  }

  /**
   * Ends the message: a last line without an ending gets CRLF; with {@code terminate}, the
   * end-of-data line {@code .CRLF} follows. Then everything is handed to the sink (not flushed).
   */
  public void finish(boolean terminate) throws IOException {
    if (failure != null) throw failure;
    if (pendingCr) { pendingCr = false; newline(); }
    if (!lineStart) newline();
    if (terminate) {
      room(3);
      out[n++] = '.';
      out[n++] = '\r';
      out[n++] = '\n';
    }
    drain();
  }

  /** Octets of the canonical message written so far (CRLF endings, no dot-stuffing, no terminator). */
  public long size() { return size; }

  /** The overlong-line failure, if the message had one (even if a caller wrapped the exception). */
  public LineTooLongException failure() { return failure; }

  @Override public void flush() { }

  @Override public void close() { }
}

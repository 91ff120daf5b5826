package dev.herald.mail.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Hashes a message body as RFC 6376 3.4.3/3.4.4 canonicalizes it, in one pass and in constant
 * memory: any CR, LF or CRLF counts as one line end (as the transport sends it), empty lines are
 * held back until a line with content follows, so trailing ones are ignored.
 */
final class BodyHasher extends OutputStream {
  private static final byte[] CRLF = {'\r', '\n'};

  private final MessageDigest digest;
  private final boolean relaxed;
  private final byte[] out = new byte[8192];
  private int n;
  private long emitted;
  private long pendingEmpty;
  private boolean pendingCr;
  private boolean pendingWsp;
  private boolean lineHasContent;

  BodyHasher(MessageDigest digest, Canonicalization c) {
    this.digest = digest;
    this.relaxed = c == Canonicalization.RELAXED;
  }

  @Override public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }

  @Override public void write(byte[] b, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      byte c = b[i];
      if (pendingCr) {
        pendingCr = false;
        lineEnd();
        if (c == '\n') continue;
      }
      if (c == '\r') {
        pendingCr = true;
      } else if (c == '\n') {
        lineEnd();
      } else if (relaxed && (c == ' ' || c == '\t')) {
        pendingWsp = true;
      } else {
        if (!lineHasContent) {
          for (; pendingEmpty > 0; pendingEmpty--) emit(CRLF);
          lineHasContent = true;
        }
        if (pendingWsp) {
          put((byte) ' ');
          pendingWsp = false;
        }
        put(c);
      }
    }
  }

  private void lineEnd() {
    pendingWsp = false; // relaxed: whitespace at the end of a line is ignored
    if (lineHasContent) emit(CRLF);
    else pendingEmpty++;
    lineHasContent = false;
  }

  /** The body hash; the body's last line gets its CRLF, an empty body is one CRLF in simple. */
  byte[] finish() {
    if (pendingCr) {
      pendingCr = false;
      lineEnd();
    }
    if (lineHasContent) lineEnd();
    if (!relaxed && emitted == 0 && n == 0) emit(CRLF);
    digest.update(out, 0, n);
    n = 0;
    return digest.digest();
  }

  private void emit(byte[] bytes) {
    for (byte x : bytes) put(x);
  }

  private void put(byte c) {
    if (n == out.length) {
      digest.update(out, 0, n);
      emitted += n;
      n = 0;
    }
    out[n++] = c;
  }
}

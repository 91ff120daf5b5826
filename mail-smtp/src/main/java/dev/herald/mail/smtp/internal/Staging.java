package dev.herald.mail.smtp.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer with a cap: a message is encoded here first when it is small, so that a
 * bad line is found before anything is sent and the message can travel in the same write as its
 * envelope. Past the cap it throws {@link Overflow} and the message is streamed instead.
 */
public final class Staging extends OutputStream {
  /** The message is larger than the cap. */
  public static final class Overflow extends IOException {
    private static final long serialVersionUID = 1L;
    Overflow() { super("message larger than the staging cap"); }
    @Override public synchronized Throwable fillInStackTrace() { return this; }
  }

  private final int cap;
  private byte[] buf;
  private int count;
  private boolean overflowed;

  public Staging(int initial, int cap) {
    this.cap = cap;
    this.buf = new byte[initial];
  }

  public Staging reset() {
    count = 0;
    overflowed = false;
    return this;
  }

  @Override public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override public void write(byte[] b, int off, int len) throws IOException {
    int need = count + len;
    if (need > cap) {
      overflowed = true;
      throw new Overflow();
    }
    if (need > buf.length) buf = Arrays.copyOf(buf, Math.min(cap, Math.max(need, buf.length * 2)));
    System.arraycopy(b, off, buf, count, len);
    count = need;
  }

  /** True when the message did not fit (even if the overflow was wrapped on its way out). */
  public boolean overflowed() { return overflowed; }

  public byte[] array() { return buf; }

  public int length() { return count; }

  /** A copy of the content, for keeping beyond the next {@link #reset()}. */
  public byte[] toByteArray() { return Arrays.copyOf(buf, count); }
}

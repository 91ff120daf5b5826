package dev.herald.mail.internal;

import dev.herald.mail.Attachment;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

/**
 * A message written by {@link SimpleRenderer} whose attachments are read and base64-encoded while it
 * is written: header and text segments held as bytes, between attachment sources. Its size follows
 * from the attachments' sizes when they are known, so a transport can tell a large message without
 * writing it, and nothing of an attachment is held in memory.
 */
final class StreamedMessage implements MessageContent {
  /** Input octets per base64 line: 57 octets make 76 characters (RFC 2045 6.8). */
  static final int LINE = 57;
  private static final int LINES_PER_READ = 128;
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Object[] segments; // byte[] or Attachment, in order
  // Each attachment's size as the message was sized (-1: a Source not measured yet). Writing holds
  // the content to it: a file that grew or shrank since would make the size declared to the server
  // (SIZE=, the transport's framing) a lie, so that is an I/O error and the message is not sent.
  private final long[] sizes;
  private final String messageId;

  private StreamedMessage(List<Object> segments, String messageId) {
    this.segments = segments.toArray();
    this.sizes = new long[this.segments.length];
    for (int i = 0; i < this.segments.length; i++) {
      sizes[i] = this.segments[i] instanceof Attachment a ? a.knownSize() : -1;
    }
    this.messageId = messageId;
  }

  /**
   * The content for rendered segments: bytes at once when the message is small (up to {@code limit}
   * octets: attachments are read now, so a missing file fails here), streamed otherwise.
   */
  static MessageContent of(List<Object> segments, String messageId, int limit) {
    if (segments.size() == 1 && segments.get(0) instanceof byte[] b) return new MimeRenderer.Bytes(b, messageId);
    StreamedMessage m = new StreamedMessage(segments, messageId);
    long known = m.knownSize();
    if (known > limit) return m;
    // Unknown (a Source attachment) or small: try to hold it, giving up past the limit.
    MimeRenderer.BoundedBuffer buf = new MimeRenderer.BoundedBuffer(limit, known >= 0 ? (int) known : 4096);
    try {
      m.writeTo(buf);
      return new MimeRenderer.Bytes(buf.toByteArray(), messageId);
    } catch (MimeRenderer.BoundedBuffer.Full e) {
      return m;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  static RuntimeException failure(IOException e) {
    if (e instanceof NoSuchFileException) {
      return new InputNotFoundException("cannot read attachment: no such file " + e.getMessage(), e);
    }
    return new LocalIoException("cannot read an attachment: " + e, e);
  }

  @Override public void writeTo(OutputStream out) throws IOException {
    byte[] in = null;
    byte[] buf = null;
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] instanceof byte[] b) {
        out.write(b);
      } else {
        if (in == null) {
          in = new byte[LINE * LINES_PER_READ];
          buf = new byte[(76 + 2) * LINES_PER_READ];
        }
        Attachment a = (Attachment) segments[i];
        long n = encode(a, out, in, buf, sizes[i]);
        if (sizes[i] < 0) sizes[i] = n;
      }
    }
  }

  @Override public long size() throws IOException {
    long n = 0;
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] instanceof byte[] b) {
        n += b.length;
      } else {
        if (sizes[i] < 0) {
          try (InputStream in = ((Attachment) segments[i]).source().open()) {
            sizes[i] = in.transferTo(OutputStream.nullOutputStream());
          }
        }
        n += base64Length(sizes[i]);
      }
    }
    return n;
  }

  @Override public long knownSize() {
    long n = 0;
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] instanceof byte[] b) {
        n += b.length;
      } else {
        if (sizes[i] < 0) return -1;
        n += base64Length(sizes[i]);
      }
    }
    return n;
  }

  @Override public Optional<String> messageId() { return Optional.of(messageId); }
  @Override public boolean has8bit() { return false; }
  @Override public boolean requiresSmtpUtf8() { return false; }

  /** Octets of {@code n} octets in base64: lines of 76 characters, CRLF between lines (none after the last). */
  static long base64Length(long n) {
    if (n == 0) return 0;
    long chars = (n + 2) / 3 * 4;
    long lines = (chars + 75) / 76;
    return chars + 2 * (lines - 1);
  }

  /**
   * Streams the source as base64 lines, CRLF between them (the caller writes the CRLF that follows),
   * and returns its length; {@code expected} octets exactly when it is not negative.
   */
  private static long encode(Attachment a, OutputStream out, byte[] in, byte[] buf, long expected) throws IOException {
    boolean first = true;
    long total = 0;
    try (InputStream src = a.source().open()) {
      int n;
      // readNBytes fills the buffer except at the end, so every line but the last has 57 octets.
      while ((n = src.readNBytes(in, 0, expected < 0 ? in.length : (int) Math.min(in.length, expected - total))) > 0) {
        total += n;
        int o = 0;
        for (int i = 0; i < n; i += LINE) {
          if (!first) {
            buf[o++] = '\r';
            buf[o++] = '\n';
          }
          first = false;
          o = line(in, i, Math.min(LINE, n - i), buf, o);
        }
        out.write(buf, 0, o);
        if (n < in.length) break;
      }
      if (expected >= 0 && (total != expected || src.read() >= 0)) {
        throw new IOException("attachment '" + a.fileName() + "' changed while the message was sent (it had "
            + expected + " octets when the message was sized); nothing was delivered: send it again");
      }
    }
    return total;
  }

  private static int line(byte[] in, int off, int len, byte[] out, int o) {
    int end = off + len;
    int i = off;
    for (; i + 3 <= end; i += 3) {
      int v = (in[i] & 0xff) << 16 | (in[i + 1] & 0xff) << 8 | (in[i + 2] & 0xff);
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      out[o++] = ALPHABET[(v >>> 6) & 63];
      out[o++] = ALPHABET[v & 63];
    }
    if (i < end) {
      int v = (in[i] & 0xff) << 16 | (i + 1 < end ? (in[i + 1] & 0xff) << 8 : 0);
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      out[o++] = i + 1 < end ? ALPHABET[(v >>> 6) & 63] : (byte) '=';
      out[o++] = '=';
    }
    return o;
  }
}

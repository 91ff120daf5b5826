package dev.herald.mail.internal;

import dev.herald.mail.MessageContent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A message given as bytes, with line endings made canonical (CRLF) once, up front. */
public final class RawMessage implements MessageContent {
  private final byte[] bytes;
  private final String messageId;
  private final boolean eightBit;
  private final boolean utf8Headers;

  private RawMessage(byte[] bytes) {
    this.bytes = bytes;
    int headerEnd = headerEnd(bytes);
    boolean h8 = false, b8 = false;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] < 0) { if (i < headerEnd) h8 = true; else b8 = true; }
    }
    this.utf8Headers = h8;
    this.eightBit = h8 || b8;
    this.messageId = Headers.find(new String(bytes, 0, headerEnd, StandardCharsets.UTF_8), "Message-ID").orElse(null);
  }

  public static RawMessage of(byte[] raw) { return new RawMessage(canonical(raw)); }

  public byte[] bytes() { return bytes; }

  @Override public void writeTo(OutputStream out) throws java.io.IOException { out.write(bytes); }
  @Override public long size() { return bytes.length; }
  @Override public Optional<String> messageId() { return Optional.ofNullable(messageId); }
  @Override public boolean has8bit() { return eightBit; }
  @Override public boolean requiresSmtpUtf8() { return utf8Headers; }

  /** Every CR, LF or CRLF becomes CRLF: no bare CR or LF may reach the wire. */
  static byte[] canonical(byte[] in) {
    boolean clean = true;
    for (int i = 0; i < in.length && clean; i++) {
      if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) clean = false;
      if (in[i] == '\r' && (i + 1 == in.length || in[i + 1] != '\n')) clean = false;
    }
    if (clean) return in;
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 32 + 2);
    for (int i = 0; i < in.length; i++) {
      byte b = in[i];
      if (b == '\r') {
        out.write('\r'); out.write('\n');
        if (i + 1 < in.length && in[i + 1] == '\n') i++;
      } else if (b == '\n') {
        out.write('\r'); out.write('\n');
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** Offset of the blank line that ends the header section (or the length, if there is none). */
  static int headerEnd(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i + 2;
    }
    return b.length;
  }
}

package dev.herald.mail.internal;

import dev.herald.mail.Address;
import dev.herald.mail.Email;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MessageContent;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Renders an {@link Email}: the common shapes (ASCII addresses; text, HTML, attachments with plain
 * names) with {@link SimpleRenderer}, the rest with jakarta.mail. A message up to
 * {@link #BUFFER_LIMIT} is rendered once into memory (the common case: its size is then known for
 * free); a larger one streams its attachments from their sources on each write.
 */
public final class MimeRenderer {
  static final int BUFFER_LIMIT = 1 << 20;

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /**
   * Random bytes for Message-IDs from the operating system's CSPRNG: {@code /dev/urandom} read 4 KiB
   * (240 IDs) at a time where there is one, else {@link SecureRandom}. (SecureRandom's default on
   * Linux reads the same device but mixes every byte through SHA-1: most of an ID's cost.)
   */
  private static final class Random {
    private static final byte[] POOL = new byte[4096];
    private static int next = POOL.length;
    private static InputStream urandom;
    private static SecureRandom secure;

    static synchronized void fill(byte[] out) {
      if (next + out.length > POOL.length) {
        refill();
        next = 0;
      }
      System.arraycopy(POOL, next, out, 0, out.length);
      next += out.length;
    }

    private static void refill() {
      if (urandom == null && secure == null) {
        try {
          urandom = new FileInputStream("/dev/urandom");
        } catch (IOException | SecurityException e) {
          secure = new SecureRandom();
        }
      }
      if (urandom != null) {
        try {
          if (urandom.readNBytes(POOL, 0, POOL.length) == POOL.length) return;
        } catch (IOException e) {
          // fall back below
        }
        try {
          urandom.close();
        } catch (IOException ignored) {
          // nothing to do
        }
        urandom = null;
        secure = new SecureRandom();
      }
      secure.nextBytes(POOL);
    }
  }

  private MimeRenderer() {}

  public static MessageContent render(Email email) {
    if (email.text().isEmpty() && email.html().isPresent() && email.textFromHtml()) {
      email = email.toBuilder().text(HtmlText.of(email.html().get())).build();
    }
    boolean utf8 = email.requiresSmtpUtf8();
    Address from = email.from().orElseThrow(() ->
        new InvalidMessageException("the message has no sender: set from (or the profile's from)"));
    String messageId = email.messageId().orElseGet(() -> newMessageId(from));
    if (SimpleRenderer.canRender(email, utf8)) {
      return StreamedMessage.of(SimpleRenderer.render(email, messageId), messageId, BUFFER_LIMIT);
    }
    return JakartaRenderer.render(email, messageId, utf8);
  }

  /** Random bytes from the same source as Message-IDs (the kernel's, not a predictable PRNG). */
  static void randomBytes(byte[] out) { Random.fill(out); }

  /** The Date header for now, as Herald writes it ({@code Fri, 2 Jan 2026 03:04:05 +0000}). */
  public static String dateNow() { return DateHeader.now(); }

  /** {@code <random.time@domain-of-from>}: 85 random bits and the time in base 36; no host or user name is leaked. */
  public static String newMessageId(Address from) {
    byte[] bytes = new byte[17];
    Random.fill(bytes);
    StringBuilder sb = new StringBuilder("<");
    for (byte b : bytes) sb.append(ALPHABET[(b & 0xff) % 32]);
    return sb.append('.').append(Long.toString(System.currentTimeMillis(), 36))
        .append('@').append(from.asciiDomain()).append('>').toString();
  }

  /** Every CR, LF or CRLF as CRLF; the string itself when it has no other line ending. */
  static String crlf(String s) {
    int n = s.length();
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') i++;
      else if (c == '\r' || c == '\n') break;
    }
    if (i >= n) return s;
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n') {
        sb.append("\r\n");
        if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A message rendered straight to bytes: written as is, its size known. */
  record Bytes(byte[] bytes, String id) implements MessageContent {
    @Override public void writeTo(OutputStream out) throws IOException { out.write(bytes); }
    @Override public long size() { return bytes.length; }
    @Override public long knownSize() { return bytes.length; }
    @Override public Optional<String> messageId() { return Optional.of(id); }
    @Override public boolean has8bit() { return false; }
    @Override public boolean requiresSmtpUtf8() { return false; }
  }

  /** Fails fast past its limit, so a large message is never copied into memory. */
  static final class BoundedBuffer extends OutputStream {
    static final class Full extends IOException {
      private static final long serialVersionUID = 1L;
      Full() { super("buffer limit reached", null); }
      @Override public synchronized Throwable fillInStackTrace() { return this; }
    }

    private final int limit;
    private final java.io.ByteArrayOutputStream out;

    BoundedBuffer(int limit) { this(limit, 4096); }

    BoundedBuffer(int limit, int initial) {
      this.limit = limit;
      this.out = new java.io.ByteArrayOutputStream(Math.min(limit, initial));
    }

    @Override public void write(int b) throws IOException {
      check(1);
      out.write(b);
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      check(len);
      out.write(b, off, len);
    }

    byte[] toByteArray() { return out.toByteArray(); }

    private void check(int len) throws Full {
      if (out.size() + len > limit) throw new Full();
    }
  }
}

package dev.herald.mail.queue.internal;

import dev.herald.mail.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A stored message: a small one read once and held for the attempt, a large one streamed from its file on each write. */
public final class SpooledContent implements MessageContent {
  private final Path file;
  private final long size;
  private final String messageId;
  private final boolean eightBit;
  private final boolean smtpUtf8;

  public SpooledContent(Path file, long size, String messageId, boolean eightBit, boolean smtpUtf8) {
    this.file = file;
    this.size = size;
    this.messageId = messageId;
    this.eightBit = eightBit;
    this.smtpUtf8 = smtpUtf8;
  }

  /** Messages up to this size are read once and held for the attempt (the transport may write them twice). */
  static final long HOLD_LIMIT = 256 * 1024;

  private byte[] held;

  @Override public void writeTo(OutputStream out) throws IOException {
    if (size <= HOLD_LIMIT) {
      byte[] b = held;
      if (b == null) held = b = Files.readAllBytes(file);
      out.write(b);
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  @Override public long size() { return size; }
  @Override public long knownSize() { return size; }
  @Override public Optional<String> messageId() { return Optional.ofNullable(messageId); }
  @Override public boolean has8bit() { return eightBit; }
  @Override public boolean requiresSmtpUtf8() { return smtpUtf8; }
}

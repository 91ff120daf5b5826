package dev.herald.mail.queue.internal;

import dev.herald.mail.MessageContent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A stored message, at {@code offset} in its spool file (after the entry's header): a small one held
 * for the attempt (read with the header when it was claimed), a large one streamed from its file on
 * each write.
 */
public final class SpooledContent implements MessageContent {
  private final Path file;
  private final long offset;
  private final long size;
  private final String messageId;
  private final boolean eightBit;
  private final boolean smtpUtf8;
  private byte[] held;

  /** @param bytes the whole file as read, or null to read it when it is first written */
  public SpooledContent(Path file, long offset, long size, byte[] bytes, String messageId, boolean eightBit, boolean smtpUtf8) {
    this.file = file;
    this.offset = offset;
    this.size = size;
    this.held = bytes;
    this.messageId = messageId;
    this.eightBit = eightBit;
    this.smtpUtf8 = smtpUtf8;
  }

  /** Messages up to this size are read once and held for the attempt (the transport may write them twice). */
  public static final long HOLD_LIMIT = 256 * 1024;

  @Override public void writeTo(OutputStream out) throws IOException {
    if (size <= HOLD_LIMIT) {
      byte[] b = held;
      if (b == null) held = b = Files.readAllBytes(file);
      out.write(b, (int) offset, (int) size);
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(offset);
      Channels.newInputStream(ch).transferTo(out);
    }
  }

  @Override public long size() { return size; }
  @Override public long knownSize() { return size; }
  @Override public Optional<String> messageId() { return Optional.ofNullable(messageId); }
  @Override public boolean has8bit() { return eightBit; }
  @Override public boolean requiresSmtpUtf8() { return smtpUtf8; }
}

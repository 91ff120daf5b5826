package dev.herald.mail.smtp.testing;

import dev.herald.mail.MessageContent;
import java.io.OutputStream;
import java.io.IOException;
import java.util.Optional;

/** Content handed to the transport byte for byte, bare CR and LF included, to test the wire encoding. */
public final class RawContent implements MessageContent {
  private final byte[] bytes;

  public RawContent(byte[] bytes) { this.bytes = bytes; }

  @Override public void writeTo(OutputStream out) throws IOException { out.write(bytes); }
  @Override public long size() { return bytes.length; }
  @Override public Optional<String> messageId() { return Optional.empty(); }
  @Override public boolean has8bit() {
    for (byte b : bytes) if (b < 0) return true;
    return false;
  }
  @Override public boolean requiresSmtpUtf8() { return false; }
}

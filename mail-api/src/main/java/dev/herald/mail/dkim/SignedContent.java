package dev.herald.mail.dkim;

import dev.herald.mail.MessageContent;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/** A message with its DKIM-Signature header written in front of it. */
final class SignedContent implements MessageContent {
  private final byte[] header;
  private final MessageContent message;

  SignedContent(byte[] header, MessageContent message) {
    this.header = header;
    this.message = message;
  }

  @Override public void writeTo(OutputStream out) throws IOException {
    out.write(header);
    message.writeTo(out);
  }

  @Override public long size() throws IOException { return header.length + message.size(); }

  @Override public long knownSize() {
    long known = message.knownSize();
    return known < 0 ? -1 : header.length + known;
  }

  @Override public Optional<String> messageId() { return message.messageId(); }
  @Override public boolean has8bit() { return message.has8bit(); }
  @Override public boolean requiresSmtpUtf8() { return message.requiresSmtpUtf8(); }

  @Override public String toString() { return "SignedContent[" + message + "]"; }
}

package dev.herald.mail.smtp.testing;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small messages for tests. */
public final class Messages {
  private Messages() { }

  public static Envelope envelope(String... recipients) {
    return new Envelope("sender@example.org", List.of(recipients));
  }

  public static MessageContent text(String body) {
    return MessageContent.ofBytes(("From: sender@example.org\r\nTo: rcpt@example.net\r\nSubject: test\r\n"
        + "Message-ID: <m1@example.org>\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
  }

  /** A message whose bytes are used exactly as given (no canonicalisation by mail-api). */
  public static MessageContent exact(byte[] bytes) {
    return new RawContent(bytes);
  }

  public static Outgoing outgoing(int i) {
    return new Outgoing(envelope("rcpt" + i + "@example.net"), text("message number " + i + "\r\n"));
  }
}

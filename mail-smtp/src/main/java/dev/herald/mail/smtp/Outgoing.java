package dev.herald.mail.smtp;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import java.util.Objects;

/** One message of a batch for {@link SmtpTransport#sendAll}: its envelope and its content. */
public record Outgoing(Envelope envelope, MessageContent content) {
  public Outgoing {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
  }
}

package dev.herald.mail;

import java.util.Objects;

/** One message of a batch for {@link dev.herald.mail.spi.Transport#sendAll}: its envelope and its content. */
public record Outgoing(Envelope envelope, MessageContent content) {
  public Outgoing {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(content, "content");
  }
}

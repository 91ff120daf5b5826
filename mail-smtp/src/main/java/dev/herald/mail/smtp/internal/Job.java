package dev.herald.mail.smtp.internal;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;

/**
 * One message to send: its envelope and content. Immutable; each attempt at it returns an
 * {@link Attempt}, and the dispatcher keeps the count of tries.
 */
public final class Job {
  public final Envelope envelope;
  public final MessageContent content;

  public Job(Envelope envelope, MessageContent content) {
    this.envelope = envelope;
    this.content = content;
  }
}

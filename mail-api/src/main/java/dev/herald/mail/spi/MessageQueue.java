package dev.herald.mail.spi;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;

/**
 * A durable store of messages to send later: what a profile's {@code queue = NAME} key selects and
 * what {@link dev.herald.mail.Mailer#enqueue} hands a message to. The stores themselves (a spool
 * directory, a database) live in {@code dev.herald:mail-queue}; this is the one method the API needs.
 * Implementations are thread-safe.
 */
public interface MessageQueue extends AutoCloseable {

  /**
   * Stores a message durably: when this returns, the message survives a crash of the process or
   * of the machine (written and flushed to disk, or committed). The message's Message-ID is fixed
   * here (one is added when the content has none), so every later attempt sends the same message.
   *
   * @return the queue id of the stored message
   * @throws dev.herald.mail.LocalIoException when the message cannot be stored; nothing is left half-written
   */
  String enqueue(Envelope envelope, MessageContent content);

  /** Where the store keeps messages, for messages and logs: a directory, a database URL without credentials. */
  String describe();

  /** Releases files or connections; idempotent. */
  @Override void close();
}

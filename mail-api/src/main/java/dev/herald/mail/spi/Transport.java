package dev.herald.mail.spi;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import java.util.Map;

/**
 * Hands rendered messages to somewhere: an SMTP server, a directory, memory, an HTTP API.
 * Implementations are thread-safe and may keep connections open between sends until
 * {@link #close()}.
 */
public interface Transport extends AutoCloseable {

  /**
   * Sends one message.
   *
   * @return what happened, including recipients that were rejected while others were accepted
   * @throws dev.herald.mail.MailException on failure; transient or permanent as the cause warrants
   */
  SendReceipt send(Envelope envelope, MessageContent content);

  /** Where this transport sends, for messages and logs: {@code host:port}, a directory. No secrets. */
  String describe();

  /**
   * Checks the way to the destination without sending (for SMTP: connect, TLS, AUTH, QUIT) and
   * reports what it found as ordered key/value pairs (e.g. {@code tls → TLSv1.3}).
   */
  default Map<String, String> check() {
    return Map.of("transport", describe(), "check", "nothing to check for this transport");
  }

  /** Releases connections and threads; idempotent. */
  @Override void close();
}

package dev.herald.mail.spi;

import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

  /**
   * Sends one message without waiting for it. The default runs {@link #send} on a thread of its own;
   * a transport with a connection pool sends on it instead.
   *
   * @return completes with the receipt, or exceptionally with the {@link MailException} {@code send} throws
   */
  default CompletableFuture<SendReceipt> sendAsync(Envelope envelope, MessageContent content) {
    CompletableFuture<SendReceipt> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(send(envelope, content));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "herald-send-async");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /**
   * Sends a batch and waits for all of it; one message's failure does not stop the others. The
   * default sends one after the other with {@link #send}; a transport that can do better (SMTP:
   * pipelining across messages, several connections) overrides it.
   *
   * @return one outcome per message, in the order given
   */
  default List<SendOutcome> sendAll(List<Outgoing> messages) {
    List<SendOutcome> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      try {
        out.add(new SendOutcome(i, send(messages.get(i).envelope(), messages.get(i).content()), null));
      } catch (MailException e) {
        out.add(new SendOutcome(i, null, e));
      }
    }
    return out;
  }

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

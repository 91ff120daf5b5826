package dev.herald.mail.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the store knows of one message.
 *
 * @param id the queue id (time-ordered)
 * @param messageId the Message-ID, fixed at enqueue, with angle brackets
 * @param sender the envelope sender ({@code ""} for the null sender)
 * @param pending recipients still to deliver to
 * @param delivered recipients the server accepted (never sent to again)
 * @param failed recipients given up on, each with the reason
 * @param created when it was queued
 * @param attempts how many attempts were recorded
 * @param nextAttempt when a deferred message is due again (null when due now or failed)
 * @param lastError the last failure, or null
 * @param history one line per recorded attempt or operator action, oldest first
 * @param size the stored message's size in octets
 * @param worker the worker holding an active message, else null
 */
public record QueuedMessage(String id, String messageId, State state, String sender, List<String> pending,
    List<String> delivered, Map<String, String> failed, Instant created, int attempts, Instant nextAttempt,
    String lastError, List<String> history, long size, String worker) {

  /** Where a message is. */
  public enum State {
    /** Due now: the next worker that looks takes it. */
    QUEUED,
    /** Waiting for its next attempt after a transient failure. */
    DEFERRED,
    /** Claimed by a worker. */
    ACTIVE,
    /** Given up on; kept with its history until retried or removed. */
    FAILED
  }

  public QueuedMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    pending = List.copyOf(pending);
    delivered = List.copyOf(delivered);
    failed = Map.copyOf(failed);
    history = List.copyOf(history);
  }

  QueuedMessage with(State newState, String newWorker) {
    return new QueuedMessage(id, messageId, newState, sender, pending, delivered, failed, created, attempts, nextAttempt,
        lastError, history, size, newWorker);
  }
}

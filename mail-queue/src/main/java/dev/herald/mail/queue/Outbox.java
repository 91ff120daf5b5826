package dev.herald.mail.queue;

import dev.herald.mail.MessageContent;
import dev.herald.mail.spi.MessageQueue;
import java.util.List;
import java.util.Optional;

/**
 * A durable store of messages waiting to be sent, shared by any number of workers: the SPI of the
 * stores ({@link SpoolOutbox}, a directory on this machine; {@link JdbcOutbox}, a PostgreSQL table). A message is {@linkplain #enqueue stored}
 * durably, {@linkplain #claim claimed} by one worker at a time, and {@linkplain #record recorded}
 * after each attempt: delivered (gone), deferred to a later attempt, or failed (kept, with its
 * history, until {@linkplain #retry retried} or {@linkplain #remove removed}; nothing is deleted silently).
 *
 * <p>A claim is a lease: a worker that dies holding one leaves it to be {@linkplain #recoverExpired
 * taken back} when the lease expires, and the message is sent again. So delivery is at least once:
 * a worker killed after the server accepted a message but before the store recorded it leaves the
 * one duplicate a queue cannot avoid; the Message-ID, fixed at enqueue, is the same in both copies.
 * Implementations are thread-safe and safe for several processes at once.
 */
public interface Outbox extends MessageQueue {

  /** A message claimed by this outbox's worker: what to send, and the handle to record the outcome with. */
  interface Claim {
    QueuedMessage message();

    /** The stored message, exactly as enqueued (the same bytes on every attempt). */
    MessageContent content();
  }

  /**
   * Claims the next due message, exclusively: no other worker, in this process or another, gets
   * it until it is recorded or its lease expires. Empty when nothing is due.
   */
  Optional<Claim> claim();

  /**
   * Records an attempt on a claim: with nothing pending and nothing failed the message is gone;
   * with recipients pending it waits for {@link Outcome#nextAttempt()}; otherwise it is failed.
   *
   * @throws dev.herald.mail.LocalIoException when it cannot be recorded (the claim then expires and the message is tried again)
   */
  void record(Claim claim, Outcome outcome);

  /** Renews this outbox's leases; a worker calls it more often than the lease lasts. */
  void renew();

  /**
   * Finishes work left off the delivery path (the spool deletes delivered messages' files here);
   * a worker calls it from its housekeeping thread, {@link #recoverExpired} calls it too.
   */
  default void cleanUp() { }

  /** Takes back the claims of workers whose lease expired; returns how many. */
  int recoverExpired();

  /** Every message in the store, oldest first. */
  List<QueuedMessage> list();

  Optional<QueuedMessage> find(String id);

  /** Makes a deferred or failed message due now (a failed one for its failed recipients); false if there is none such. */
  boolean retry(String id);

  /** {@link #retry} for every deferred and failed message; returns how many. */
  int retryAll();

  /** Makes every deferred message due now (failed ones stay failed); returns how many. */
  int flush();

  /**
   * Deletes a message that is not being sent right now.
   *
   * @return false when there is no such message
   * @throws IllegalStateException when a worker holds it
   */
  boolean remove(String id);

  /** How many messages are in each state. */
  Stats stats();

  /**
   * Counts by state.
   *
   * @param oldest when the oldest message still in the store was queued, or null when it is empty
   */
  record Stats(int queued, int deferred, int active, int failed, java.time.Instant oldest) {
    public int total() { return queued + deferred + active + failed; }
  }
}

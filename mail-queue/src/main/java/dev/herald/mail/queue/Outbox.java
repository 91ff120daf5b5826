package dev.herald.mail.queue;

import dev.herald.mail.Envelope;
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
   * The result of {@link #enqueue(String, Envelope, MessageContent)}.
   *
   * @param id the queue id the key is stored under
   * @param created true when this call stored the message; false when the key was stored before
   *     (the message may since have been delivered, failed or removed)
   */
  record Keyed(String id, boolean created) { }

  /**
   * Stores a message under a key of the caller's at most once: a second call with the same key stores
   * nothing and returns the first call's queue id, also after the message was delivered and left the
   * store, and also when the first call's process died between storing the message and returning.
   * This is what makes a batch safe to run again ({@code dev.herald:mail-merge}).
   *
   * @param key letters, digits, {@code .}, {@code _} and {@code -}, at most 200 characters
   * @throws UnsupportedOperationException when the store cannot keep keys
   * @throws dev.herald.mail.LocalIoException when the message cannot be stored; nothing is left half-written
   */
  default Keyed enqueue(String key, Envelope envelope, MessageContent content) {
    throw new UnsupportedOperationException(describe() + " cannot store messages under a key");
  }

  /**
   * The queue id a key was stored under by {@link #enqueue(String, Envelope, MessageContent)}, if it was;
   * it stays known after the message is delivered.
   *
   * @throws UnsupportedOperationException when the store cannot keep keys
   */
  default Optional<String> idOfKey(String key) {
    throw new UnsupportedOperationException(describe() + " cannot store messages under a key");
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

  /**
   * Whether the message stored under {@code key} was removed by an operator ({@link #remove}) rather
   * than delivered: both leave the key known and the message gone. False for a store that does not
   * keep the difference.
   */
  default boolean removedByKey(String key) { return false; }

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

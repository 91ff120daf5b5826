package dev.herald.mail.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The result of one attempt, as a worker records it with {@link Outbox#record}.
 *
 * @param accepted recipients the server accepted in this attempt
 * @param pending recipients to try again at {@code nextAttempt}
 * @param failed recipients given up on in this attempt, each with the reason
 * @param nextAttempt when to try the pending recipients again; null exactly when none is pending
 * @param error what went wrong, for {@code lastError}; null when nothing did
 * @param summary the history line of this attempt
 */
public record Outcome(List<String> accepted, List<String> pending, Map<String, String> failed, Instant nextAttempt,
    String error, String summary) {

  public Outcome {
    accepted = List.copyOf(accepted);
    pending = List.copyOf(pending);
    failed = Map.copyOf(failed);
    if (pending.isEmpty() != (nextAttempt == null)) {
      throw new IllegalArgumentException("nextAttempt is set exactly when recipients are pending");
    }
  }

  /** Every recipient of this attempt accepted: the message leaves the store unless earlier attempts failed some. */
  public boolean done() { return pending.isEmpty() && failed.isEmpty(); }
}

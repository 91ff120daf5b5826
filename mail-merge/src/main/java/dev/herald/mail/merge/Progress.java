package dev.herald.mail.merge;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a batch stands, as {@link MailMerge.Listener} is told after each message.
 *
 * @param total the rows of the batch (after {@code limit})
 * @param sent rows the server accepted, in this run or an earlier one
 * @param refused rows the server refused for good
 * @param deferred rows that failed for now and wait in the queue for their next attempt
 * @param skipped rows not sent because their data is bad
 * @param sentNow rows sent by this run (the rate counts these)
 * @param elapsed time since this run began delivering
 */
public record Progress(int total, int sent, int refused, int deferred, int skipped, int sentNow, Duration elapsed) {

  /** Rows with no outcome yet. */
  public int remaining() { return Math.max(0, total - sent - refused - deferred - skipped); }

  /** Rows that will not be sent by this run: refused or skipped. */
  public int failed() { return refused + skipped; }

  /** Messages per second sent by this run so far. */
  public double rate() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : sentNow / s;
  }

  /** The time left at the current rate, when there is a rate. */
  public Optional<Duration> timeLeft() {
    double r = rate();
    return r <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) (remaining() / r * 1000)));
  }
}

package dev.herald.mail.queue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.mail.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to try a message again after a transient failure: {@code first}, then doubling up to
 * {@code maxBackoff}, each delay drawn within ±{@code jitter} of the schedule; a message that is
 * still undelivered {@code maxAge} after it was queued fails. The defaults follow Postfix
 * (5 minutes, about an hour, 5 days).
 *
 * @param jitter the spread of each delay as a fraction, 0 to 1
 */
public record RetrySchedule(Duration first, Duration maxBackoff, Duration maxAge, double jitter) {

  /** 5m, 1h, 5d, ±20%: {@code herald.queue-retry} in mail-queue's {@code reference.conf}. */
  public static final RetrySchedule DEFAULT =
      new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5), 0.2);

  public RetrySchedule {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxAge, "maxAge");
    if (first.isNegative() || first.isZero()) throw new IllegalArgumentException("first must be positive");
    if (maxBackoff.compareTo(first) < 0) throw new IllegalArgumentException("max-backoff must be at least first");
    if (jitter < 0 || jitter > 1) throw new IllegalArgumentException("jitter must be between 0 and 1");
  }

  /**
   * A profile's {@code queue-retry { … }} over {@code herald.queue-retry}.
   *
   * @param profile the profile's effective settings
   * @param root the whole configuration (for the defaults)
   */
  public static RetrySchedule of(Config profile, Config root) {
    Config c = root.hasPath("herald.queue-retry") ? root.getConfig("herald.queue-retry") : com.typesafe.config.ConfigFactory.empty();
    if (profile.hasPath("queue-retry")) c = profile.getConfig("queue-retry").withFallback(c);
    for (String key : c.root().keySet()) {
      if (!java.util.Set.of("first", "max-backoff", "max-age", "jitter").contains(key)) {
        throw new InvalidConfigException("unknown key '" + key + "' in queue-retry at " + c.getValue(key).origin().description()
            + "; keys: first, max-backoff, max-age, jitter");
      }
    }
    try {
      return new RetrySchedule(c.hasPath("first") ? c.getDuration("first") : DEFAULT.first,
          c.hasPath("max-backoff") ? c.getDuration("max-backoff") : DEFAULT.maxBackoff,
          c.hasPath("max-age") ? c.getDuration("max-age") : DEFAULT.maxAge,
          c.hasPath("jitter") ? c.getDouble("jitter") : DEFAULT.jitter);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new InvalidConfigException("queue-retry: " + e.getMessage(), e);
    }
  }

  /**
   * When to try again after the {@code attempts}-th failed attempt (1 for the first), or null when
   * the message is too old to try again.
   */
  public Instant next(Instant created, int attempts, Instant now, RandomGenerator random) {
    if (!now.isBefore(created.plus(maxAge))) return null;
    Duration base = first;
    for (int i = 1; i < attempts && base.compareTo(maxBackoff) < 0; i++) base = base.multipliedBy(2);
    if (base.compareTo(maxBackoff) > 0) base = maxBackoff;
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    long millis = Math.max(1, Math.round(base.toMillis() * factor));
    return now.plusMillis(millis);
  }
}

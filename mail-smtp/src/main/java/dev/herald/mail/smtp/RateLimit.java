package dev.herald.mail.smtp;

import java.time.Duration;
import java.util.Locale;

/**
 * At most {@code messages} per {@code period}, as providers impose; the profile's {@code rate-limit}
 * key ({@code "10/s"}, {@code "100/min"}, {@code "500/h"}, or {@code ""} for none).
 *
 * @param messages messages allowed per period; 0 for no limit
 */
public record RateLimit(int messages, Duration period) {

  /** No limit. */
  public static final RateLimit NONE = new RateLimit(0, Duration.ofSeconds(1));

  public RateLimit {
    if (messages < 0) throw new IllegalArgumentException("messages must not be negative");
    if (period == null || period.isZero() || period.isNegative()) throw new IllegalArgumentException("period must be positive");
  }

  /** True when there is a limit. */
  public boolean limited() { return messages > 0; }

  /** The time between two messages when they are spread evenly. */
  public Duration interval() { return period.dividedBy(Math.max(1, messages)); }

  /** Parses {@code N/s}, {@code N/min}, {@code N/h} (also {@code second}, {@code minute}, {@code hour}); blank is {@link #NONE}. */
  public static RateLimit parse(String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) return NONE;
    int slash = s.indexOf('/');
    if (slash <= 0) throw new IllegalArgumentException("'" + text + "' is not a rate; write it as \"10/s\", \"100/min\" or \"500/h\"");
    int n;
    try {
      n = Integer.parseInt(s.substring(0, slash).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' does not start with a whole number; write it as \"10/s\"");
    }
    if (n <= 0) throw new IllegalArgumentException("'" + text + "' must allow at least 1 message");
    Duration per = switch (s.substring(slash + 1).strip()) {
      case "s", "sec", "second" -> Duration.ofSeconds(1);
      case "m", "min", "minute" -> Duration.ofMinutes(1);
      case "h", "hour" -> Duration.ofHours(1);
      default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit; use s, min or h");
    };
    return new RateLimit(n, per);
  }

  /** The config spelling. */
  @Override public String toString() {
    if (!limited()) return "";
    String unit = period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "min"
        : period.equals(Duration.ofHours(1)) ? "h" : period.toMillis() + "ms";
    return messages + "/" + unit;
  }
}

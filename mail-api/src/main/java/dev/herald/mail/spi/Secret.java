package dev.herald.mail.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A password or token. Its {@code toString()} never shows the value, so it is safe in logs,
 * exception messages and config dumps; only {@link #reveal()} gives it out.
 */
public final class Secret {
  private final String value;
  private final Instant expiresAt;

  private Secret(String value, Instant expiresAt) {
    this.value = Objects.requireNonNull(value, "value");
    this.expiresAt = expiresAt;
  }

  public static Secret of(String value) { return new Secret(value, null); }

  /** A token that stops working at {@code expiresAt}. */
  public static Secret expiring(String value, Instant expiresAt) { return new Secret(value, expiresAt); }

  /** The value itself: hand it to the protocol, never to a log. */
  public String reveal() { return value; }

  public Optional<Instant> expiresAt() { return Optional.ofNullable(expiresAt); }

  @Override public String toString() { return "<redacted>"; }
}

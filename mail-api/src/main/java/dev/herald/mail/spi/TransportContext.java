package dev.herald.mail.spi;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a transport gets besides its settings.
 *
 * @param credentials the profile's username and secrets, resolved lazily by their sources
 * @param trace receives the protocol dialogue, secrets already redacted; {@link TraceListener#NONE} to ignore
 * @param warnings receives one-line warnings for the user (insecure settings, odd configurations)
 */
public record TransportContext(Credentials credentials, TraceListener trace, Consumer<String> warnings) {

  public TransportContext {
    Objects.requireNonNull(credentials, "credentials");
    trace = trace == null ? TraceListener.NONE : trace;
    warnings = warnings == null ? w -> { } : warnings;
  }

  /** No credentials, no trace, warnings dropped. */
  public static TransportContext empty() {
    return new TransportContext(Credentials.NONE, TraceListener.NONE, null);
  }
}

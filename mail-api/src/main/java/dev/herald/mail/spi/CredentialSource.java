package dev.herald.mail.spi;

/**
 * Supplies a password or token when a transport needs it: read from the environment, a file, a
 * command, or fetched from an OAuth2 token endpoint. Transports call {@link #get()} at every new
 * connection, so a source can hand out a fresh token; sources that are costly cache.
 */
public interface CredentialSource {

  /**
   * The current secret.
   *
   * @throws dev.herald.mail.InvalidConfigException or another {@link dev.herald.mail.MailException}
   *     that says what to fix, when the secret cannot be had
   */
  Secret get();

  /** The server rejected the last secret: forget any cached one so the next {@link #get()} fetches anew. */
  default void invalidate() { }

  /** What the source is, for {@code herald config}: {@code env:GMAIL_APP_PASSWORD}. Never the secret. */
  String describe();

  /** A source with a fixed value, as in code or an inline config value. */
  static CredentialSource of(String value) {
    Secret s = Secret.of(value);
    return new CredentialSource() {
      @Override public Secret get() { return s; }
      @Override public String describe() { return "inline"; }
      @Override public String toString() { return "CredentialSource[inline]"; }
    };
  }

  /** A source that reads the environment variable {@code name} at each use. */
  static CredentialSource env(String name) {
    return dev.herald.mail.internal.credentials.EnvSource.of(name);
  }
}

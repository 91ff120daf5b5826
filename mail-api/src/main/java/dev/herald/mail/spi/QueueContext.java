package dev.herald.mail.spi;

/**
 * What a {@link QueueFactory} gets besides its settings.
 *
 * @param secrets turns a secret of the store's block (a database {@code password}: inline, {@code .env},
 *     {@code .file} or {@code .command}, as in a profile) into a source; reports warnings too
 */
public record QueueContext(CredentialSourceFactory.Resolver secrets) {
  public QueueContext {
    java.util.Objects.requireNonNull(secrets, "secrets");
  }
}

package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;

/** {@code password = "…"} or {@code password.inline = "…"}: a secret written into the config. */
public final class InlineSourceFactory implements CredentialSourceFactory {
  @Override public String name() { return "inline"; }

  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    String secret = ConfigValues.string(value, path, "a string");
    // Only a secret written into a file is worth a warning; one built in code (a test server's
    // profile, --set on the command line) is the caller's business.
    if (value.origin().filename() != null) {
      resolver.warn(path + " at " + ConfigValues.where(value)
          + " is written in the config file; prefer " + path.replaceFirst("\\.inline$", "") + ".env, .file or .command");
    }
    return CredentialSource.of(secret);
  }
}

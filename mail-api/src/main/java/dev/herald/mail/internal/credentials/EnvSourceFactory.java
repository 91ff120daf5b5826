package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;

/** {@code password.env = VAR}: the secret is the value of an environment variable. */
public final class EnvSourceFactory implements CredentialSourceFactory {
  @Override public String name() { return "env"; }

  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    return EnvSource.of(ConfigValues.string(value, path, "the name of an environment variable"),
        path + " at " + ConfigValues.where(value));
  }
}

package dev.herald.mail.spi;

import com.typesafe.config.ConfigValue;

/**
 * Makes a {@link CredentialSource} from config, found with {@link java.util.ServiceLoader} like
 * {@link TransportFactory}. A profile names the source by key: {@code password.env = VAR} calls
 * the factory named {@code env} with the value {@code "VAR"}; {@code oauth2 { … }} calls the one
 * named {@code oauth2} with that object.
 */
public interface CredentialSourceFactory {

  /** The key that selects this factory: {@code env}, {@code file}, {@code command}, {@code oauth2}. */
  String name();

  /**
   * Creates the source; cheap and without I/O (read secrets at {@link CredentialSource#get()}).
   *
   * @param value the config value under the factory's key; its {@code origin()} names file and line
   * @param path the full config path of the value, for error messages
   * @param resolver resolves nested secrets, such as an OAuth2 client secret given as {@code client-secret.env}
   * @throws dev.herald.mail.InvalidConfigException when the value is not of the expected form
   */
  CredentialSource create(ConfigValue value, String path, Resolver resolver);

  /** Turns a config value that names a secret into a source, with any registered factory. */
  interface Resolver {
    /** {@code value} is a string (inline) or an object with one key naming the factory. */
    CredentialSource resolve(ConfigValue value, String path);

    /** Reports a one-line warning to the user (insecure file permissions, inline secrets). */
    void warn(String warning);
  }
}

package dev.herald.mail.oauth2;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.oauth2.internal.OAuth2Settings;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import java.time.Clock;

/**
 * The {@code oauth2} credential source: a profile's {@code oauth2 { … }} block becomes an
 * {@link OAuth2CredentialSource}. Registered in
 * {@code META-INF/services/dev.herald.mail.spi.CredentialSourceFactory}; its defaults are in
 * mail-oauth2's {@code reference.conf} under {@code herald.credential-sources.oauth2}.
 *
 * <pre>
 * oauth2 {
 *   client-id = "1234.apps.googleusercontent.com"
 *   client-secret.env = GOOGLE_CLIENT_SECRET
 *   refresh-token.file = "~/.config/herald/work.token"
 *   token-uri = "https://oauth2.googleapis.com/token"   # from the preset
 * }
 * </pre>
 *
 * <p>{@code client-id}, {@code client-secret} and {@code refresh-token} are each a secret in any
 * form the {@link Resolver} knows (a string, {@code .env}, {@code .file}, {@code .command}).
 * Creating the source reads no secret and makes no request.
 */
public final class OAuth2CredentialSourceFactory implements CredentialSourceFactory {

  @Override public String name() { return "oauth2"; }

  /** @throws InvalidConfigException when the block is not an object, names an unknown key or lacks token-uri */
  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    if (!(value instanceof ConfigObject block)) {
      throw new InvalidConfigException(path + " at " + OAuth2Settings.where(value)
          + " must be an object: oauth2 { client-id = \"…\", client-secret.env = VAR, refresh-token.file = \"…\" }");
    }
    OAuth2Settings settings = OAuth2Settings.from(block.toConfig(), path);
    ConfigValue id = block.get("client-id");
    if (id == null) throw new InvalidConfigException(path + " at " + OAuth2Settings.where(value) + " has no client-id");
    // A client id is not a secret: an inline one needs no warning.
    CredentialSource clientId = id.valueType() == ConfigValueType.STRING
        ? CredentialSource.of((String) id.unwrapped()) : resolver.resolve(id, path + ".client-id");
    CredentialSource clientSecret = secret(block, "client-secret", path, resolver);
    CredentialSource refreshToken = secret(block, "refresh-token", path, resolver);
    return new OAuth2CredentialSource(settings, clientId, clientSecret, refreshToken, Clock.systemUTC());
  }

  private static CredentialSource secret(ConfigObject block, String key, String path, Resolver resolver) {
    ConfigValue v = block.get(key);
    return v == null ? null : resolver.resolve(v, path + "." + key);
  }
}

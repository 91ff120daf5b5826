package dev.herald.mail.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Profile;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Credentials;
import java.util.Map;
import java.util.function.Consumer;

/** Turns a profile's {@code username}, {@code password}, {@code token} and {@code oauth2} keys into {@link Credentials}. */
public final class CredentialResolver implements CredentialSourceFactory.Resolver {
  private final Map<String, CredentialSourceFactory> factories;
  private final Consumer<String> warnings;

  public CredentialResolver(Map<String, CredentialSourceFactory> factories, Consumer<String> warnings) {
    this.factories = factories;
    this.warnings = warnings;
  }

  public Credentials credentials(Profile profile) {
    Config s = profile.settings();
    String base = "herald.profiles." + profile.name();
    String username = s.hasPath("username") ? s.getString("username") : null;
    CredentialSource password = s.hasPath("password") ? resolve(s.getValue("password"), base + ".password") : null;
    CredentialSource token = s.hasPath("token") ? resolve(s.getValue("token"), base + ".token") : null;
    // Presets may carry OAuth2 endpoints; only a block with a client-id is meant to fetch tokens.
    if (token == null && s.hasPath("oauth2.client-id")) {
      CredentialSourceFactory oauth2 = factories.get("oauth2");
      if (oauth2 == null) {
        throw new InvalidConfigException("profile '" + profile.name() + "' uses oauth2, but no oauth2 credential"
            + " source is on the class path; add dev.herald:mail-oauth2");
      }
      token = oauth2.create(s.getValue("oauth2"), base + ".oauth2", this);
    }
    return new Credentials(username, password, token);
  }

  @Override public CredentialSource resolve(ConfigValue value, String path) {
    if (value.valueType() == ConfigValueType.STRING) return factory("inline", value, path).create(value, path, this);
    if (value instanceof ConfigObject obj && obj.size() == 1) {
      String kind = obj.keySet().iterator().next();
      return factory(kind, obj.get(kind), path + "." + kind).create(obj.get(kind), path + "." + kind, this);
    }
    throw new InvalidConfigException(path + " at " + value.origin().description() + " must be a string or one of "
        + path + "." + String.join(", ." , factories.keySet()));
  }

  @Override public void warn(String warning) { warnings.accept(warning); }

  private CredentialSourceFactory factory(String kind, ConfigValue value, String path) {
    CredentialSourceFactory f = factories.get(kind);
    if (f == null) {
      throw new InvalidConfigException("unknown credential source '" + kind + "' at " + path + " ("
          + value.origin().description() + "); known: " + String.join(", ", factories.keySet()));
    }
    return f;
  }
}

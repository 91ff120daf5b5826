package dev.herald.mail.oauth2.testing;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link CredentialSourceFactory.Resolver} for unit tests: strings are inline secrets,
 * {@code { env = X }} looks {@code X} up in a map, {@code { file = P }} reads the file's first line.
 * Warnings are kept in {@link #warnings()}.
 */
public final class FakeResolver implements CredentialSourceFactory.Resolver {
  private final Map<String, String> env;
  private final List<String> warnings = new ArrayList<>();

  public FakeResolver(Map<String, String> env) { this.env = env; }

  @Override public CredentialSource resolve(ConfigValue value, String path) {
    if (value.valueType() == ConfigValueType.STRING) return CredentialSource.of((String) value.unwrapped());
    ConfigObject obj = (ConfigObject) value;
    String kind = obj.keySet().iterator().next();
    String arg = (String) obj.get(kind).unwrapped();
    return switch (kind) {
      case "env" -> new Source("env:" + arg, () -> {
        String v = env.get(arg);
        if (v == null) throw new InvalidConfigException("environment variable " + arg + " is not set");
        return v;
      });
      case "file" -> new Source("file:" + arg, () -> {
        try {
          return Files.readAllLines(Path.of(arg.replaceFirst("^~", System.getProperty("user.home")))).get(0).strip();
        } catch (IOException e) {
          throw new InvalidConfigException("cannot read secret file " + arg, e);
        }
      });
      default -> throw new InvalidConfigException("unknown credential source " + kind + " at " + path);
    };
  }

  @Override public void warn(String warning) { warnings.add(warning); }

  public List<String> warnings() { return List.copyOf(warnings); }

  private record Source(String describe, java.util.function.Supplier<String> value) implements CredentialSource {
    @Override public Secret get() { return Secret.of(value.get()); }
    @Override public String toString() { return "CredentialSource[" + describe + "]"; }
  }
}

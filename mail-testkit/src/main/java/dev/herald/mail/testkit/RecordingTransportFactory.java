package dev.herald.mail.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;

/**
 * {@code transport = memory}: makes a {@link RecordingTransport} on the inbox named by the
 * profile's {@code name} key (see {@code herald.transports.memory} in this jar's reference.conf).
 */
public final class RecordingTransportFactory implements TransportFactory {
  public static final String NAME = "memory";

  @Override public String name() { return NAME; }

  @Override public Transport create(Config profile, TransportContext context) {
    String name = RecordingTransport.DEFAULT_NAME;
    try {
      if (profile.hasPath("name")) name = profile.getString("name");
    } catch (ConfigException e) {
      throw new InvalidConfigException("the memory transport's 'name' must be a string: " + e.getMessage(), e);
    }
    if (name.isBlank()) {
      throw new InvalidConfigException("the memory transport's 'name' is empty at " + profile.origin().description());
    }
    return RecordingTransport.named(name);
  }
}

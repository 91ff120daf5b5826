package dev.herald.mail.internal.file;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.spi.TransportFactory;

/** {@code transport = file}: each message becomes an {@code .eml} file in {@code directory}. */
public final class FileTransportFactory implements TransportFactory {
  @Override public String name() { return "file"; }

  @Override public Transport create(Config profile, TransportContext context) {
    try {
      String dir = profile.getString("directory");
      if (dir.isBlank()) {
        throw new InvalidConfigException("directory at " + profile.origin().description() + " may not be empty");
      }
      return new FileTransport(HeraldConfig.expandHome(dir));
    } catch (ConfigException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }
}

package dev.herald.mail.queue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.QueueContext;
import dev.herald.mail.spi.QueueFactory;
import java.time.Clock;
import java.time.Duration;

/** {@code type = spool}: a {@link SpoolOutbox} in {@code directory} ({@code ~} is the home directory). */
public final class SpoolOutboxFactory implements QueueFactory {

  @Override public String type() { return "spool"; }

  @Override public MessageQueue create(String name, Config settings, QueueContext context) {
    try {
      String directory = settings.getString("directory");
      Duration lease = settings.getDuration("lease");
      if (lease.isZero() || lease.isNegative()) {
        throw new InvalidConfigException("herald.queues." + name + ".lease at " + settings.getValue("lease").origin().description()
            + " must be positive, e.g. lease = 5m");
      }
      return SpoolOutbox.open(name, HeraldConfig.expandHome(directory), lease, Clock.systemUTC());
    } catch (ConfigException e) {
      throw new InvalidConfigException("queue '" + name + "': " + e.getMessage(), e);
    }
  }
}

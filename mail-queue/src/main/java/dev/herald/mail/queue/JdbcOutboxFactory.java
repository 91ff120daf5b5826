package dev.herald.mail.queue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.QueueContext;
import dev.herald.mail.spi.QueueFactory;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code type = jdbc}: a {@link JdbcOutbox} on PostgreSQL at {@code url} (a {@code jdbc:postgresql:}
 * URL without credentials), logged in as {@code username} with {@code password} (a secret like any
 * other: {@code password.env = VAR}, {@code .file}, {@code .command}).
 */
public final class JdbcOutboxFactory implements QueueFactory {

  @Override public String type() { return "jdbc"; }

  @Override public MessageQueue create(String name, Config settings, QueueContext context) {
    String base = "herald.queues." + name;
    try {
      String url = settings.getString("url");
      if (url.isBlank()) throw new InvalidConfigException(base + ".url is not set: e.g. url = \"jdbc:postgresql://db.example.org/app\"");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new InvalidConfigException(base + ".url at " + settings.getValue("url").origin().description()
            + " must be a jdbc:postgresql: URL (the jdbc store works with PostgreSQL)");
      }
      if (url.contains("password=")) {
        throw new InvalidConfigException(base + ".url carries a password: give it as " + base + ".password (.env, .file or .command)");
      }
      String username = settings.hasPath("username") ? settings.getString("username") : null;
      CredentialSource password = settings.hasPath("password") && !settings.getIsNull("password")
          ? context.secrets().resolve(settings.getValue("password"), base + ".password") : null;
      Duration lease = settings.getDuration("lease");
      int connections = settings.getInt("connections");
      try {
        Class.forName("org.postgresql.Driver");
      } catch (ClassNotFoundException e) {
        throw new InvalidConfigException("queue '" + name + "' is of type jdbc, but the PostgreSQL driver is not on the class"
            + " path: add org.postgresql:postgresql");
      }
      return JdbcOutbox.open(name, url, () -> {
        Properties p = new Properties();
        if (username != null) p.setProperty("user", username);
        if (password != null) p.setProperty("password", password.get().reveal());
        p.setProperty("connectTimeout", "30");
        p.setProperty("socketTimeout", "300");
        return DriverManager.getConnection(url, p);
      }, lease, connections);
    } catch (ConfigException e) {
      throw new InvalidConfigException("queue '" + name + "': " + e.getMessage(), e);
    }
  }
}

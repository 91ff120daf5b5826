package dev.herald.mail.cli.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.herald.mail.testkit.MockSmtpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a herald.conf whose profile {@code mock} points at a {@link MockSmtpServer}. */
public final class Servers {
  private Servers() {}

  /** The server's own {@code profile()}, with {@code extra} keys over it, as profile {@code name}. */
  public static Path config(Path dir, String name, MockSmtpServer server, Map<String, Object> extra) throws IOException {
    return config(dir, name, server, extra, server.profile().hasPath("password") ? server.profile().getString("password") : "");
  }

  /** As above, with the password read from an owner-only file (as a user would keep it). */
  public static Path config(Path dir, String name, MockSmtpServer server, Map<String, Object> extra, String password)
      throws IOException {
    Path pw = dir.resolve(name + ".password");
    Files.writeString(pw, password + "\n");
    try {
      Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: the source may warn, which the tests tolerate
    }
    Config profile = server.profile().withoutPath("password")
        .withValue("password.file", ConfigValueFactory.fromAnyRef(pw.toString())).withValue("local-name", ConfigValueFactory.fromAnyRef("client.example"))
        .withValue("from", ConfigValueFactory.fromAnyRef("Herald Test <me@example.org>"));
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      profile = profile.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    Path conf = dir.resolve("herald-" + name + ".conf");
    String body = profile.root().render(ConfigRenderOptions.concise());
    Files.writeString(conf, "herald.profile = " + name + "\nherald.profiles." + name + " = " + body + "\n");
    return conf;
  }
}

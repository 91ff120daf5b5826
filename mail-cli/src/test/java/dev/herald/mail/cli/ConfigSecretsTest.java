package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 7: {@code herald config} never prints a secret, whatever its type; {@code --set} keeps a secret a string. */
class ConfigSecretsTest {
  @TempDir Path home;

  @Test void configRedactsNumbersListsObjectsAndCommandArguments() throws Exception {
    Path conf = Files.writeString(home.resolve("herald.conf"), """
        herald.profiles.num { transport = smtp, host = h.example, username = u, password = 98765432 }
        herald.profiles.list { transport = smtp, host = h.example, username = u, password = [hunter2] }
        herald.profiles.cmd { transport = smtp, host = h.example, username = u, password.command = "pass show mail/bot --otp 246810" }
        """);
    CliRunner cli = new CliRunner(home).terminal();
    Result num = cli.run("config", "--config", conf.toString(), "--profile", "num");
    Result list = cli.run("config", "--config", conf.toString(), "--profile", "list");
    Result cmd = cli.run("config", "--config", conf.toString(), "--profile", "cmd", "--set", "oauth2.client-secret=987654");
    for (Result r : new Result[] {num, list, cmd}) assertEquals(0, r.code(), r::toString);
    assertTrue(num.out().contains("\npassword = <redacted>\n"), num.out());
    assertTrue(list.out().contains("\npassword = <redacted>\n"), list.out());
    assertTrue(cmd.out().contains("\npassword.command = command:pass …\n"), cmd.out());
    assertTrue(cmd.out().contains("\noauth2.client-secret = <redacted>\n"), cmd.out());
    String all = num.out() + num.err() + list.out() + list.err() + cmd.out() + cmd.err();
    for (String secret : new String[] {"98765432", "hunter2", "246810", "mail/bot", "987654"}) {
      assertFalse(all.contains(secret), secret + " printed:\n" + all);
    }
  }

  @Test void aNumericPasswordGivenWithSetStaysAString() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().user("me", "123456").build().start()) {
      Path conf = Files.writeString(home.resolve("herald.conf"), "herald.profile = mock\nherald.profiles.mock { transport = smtp,"
          + " host = \"127.0.0.1\", port = " + server.port() + ", tls = none, username = me, from = \"me@example.org\" }\n");
      Result r = new CliRunner(home).terminal().run("send", "--config", conf.toString(), "--set", "password=123456",
          "--to", "bob@example.net", "--subject", "s", "--text", "t");
      assertEquals(0, r.code(), r::toString);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
      assertEquals("me", m.authenticatedUser().orElseThrow());
      Result leading = new CliRunner(home).terminal().run("config", "--config", conf.toString(), "--set", "password=[not-a-list");
      assertEquals(0, leading.code(), leading::toString);
      assertTrue(leading.out().contains("\npassword = <redacted>\n"), leading.out());
    }
  }
}

package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad smtp value in herald.conf: exit 78 and one line naming the file, the line, the key and what is allowed. */
class SmtpSettingsErrorsTest {
  @TempDir Path home;

  @Test void badValuesAreOneLineWithFileLineKeyAndWhatIsAllowed() throws Exception {
    Map<String, String> cases = Map.of(
        "timeouts.reply = soon", "timeouts.reply 'soon' is not a duration; write it as 500ms, 30s, 10m or 1h",
        "tls = ssl", "tls 'ssl' is not a TLS policy; choose starttls, implicit, opportunistic or none",
        "max-connections = -1", "max-connections must be at least 1, not -1",
        "source-address = mail.example.org",
        "source-address 'mail.example.org' is not an IP address; write an address of this machine such as 192.0.2.10 or 2001:db8::10");
    Path conf = home.resolve("herald.conf");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Files.writeString(conf, "herald.profiles.relay {\n  transport = smtp, host = \"127.0.0.1\", from = \"me@example.org\"\n  "
          + c.getKey() + "\n}\n");
      Result r = new CliRunner(home).terminal().run("send", "--config", conf.toString(), "--profile", "relay",
          "--to", "bob@example.net", "--subject", "s", "--text", "t");
      assertEquals(78, r.code(), r::toString);
      assertEquals("herald: " + conf + ": 3: " + c.getValue() + System.lineSeparator(), r.err(), r::toString);
    }
  }
}

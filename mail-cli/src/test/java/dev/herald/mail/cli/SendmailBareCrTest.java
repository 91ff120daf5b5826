package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 2: {@code herald sendmail} split headers on LF while the wire made a bare CR a line
 * break, so {@code X-Foo: a\rBcc: hidden@…} went out with the Bcc line. A bare CR in the header
 * section is read as the line break it becomes: the Bcc is stripped and (with -t) its address is a
 * recipient, as with any other Bcc.
 */
class SendmailBareCrTest {
  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"To: bob@example.net\nX-Foo: a\rBcc: hidden@example.org\nSubject: t\n\nb\n",
      "To: bob@example.net\r\nX-Foo: a\rBcc: hidden@example.org\r\nSubject: t\r\n\r\nb\r\n",
      "To: bob@example.net\rBcc: hidden@example.org\rSubject: t\r\rb\r"})
  void aBareCrIsALineBreakSoTheBccIsStrippedNotSent(String message) throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.STARTTLS).user("me", "pw").build().start()) {
      Path conf = Servers.config(home, "mock", server, Map.of());
      Result r = new CliRunner(home).stdin(message).run("sendmail", "--config", conf.toString(), "-t");
      assertEquals(0, r.code(), r::toString);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
      assertEquals(List.of("bob@example.net", "hidden@example.org"), m.envelope().recipients());
      String wire = m.rawText();
      assertFalse(wire.contains("hidden"), wire);
      assertFalse(wire.toLowerCase().contains("bcc"), wire);
      assertTrue(wire.contains("\r\nSubject: t\r\n\r\nb\r\n"), wire);
    }
  }
}

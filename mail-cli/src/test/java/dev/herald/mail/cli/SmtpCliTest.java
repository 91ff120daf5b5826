package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.Stage;
import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.Fault;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** send, sendmail and check against MockSmtpServer: STARTTLS, AUTH, and what fails how. */
class SmtpCliTest {
  @TempDir Path home;
  MockSmtpServer server;

  @AfterEach void stop() {
    if (server != null) server.close();
  }

  private MockSmtpServer start(MockSmtpServer.Builder b) {
    server = b.build().start();
    return server;
  }

  private CliRunner cli() { return new CliRunner(home).terminal(); }

  @Test void sendOverStartTlsWithAuth() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw").requireTls(true).requireAuth(true));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("send", "--config", conf.toString(), "--to", "bob@example.net", "--bcc", "eve@example.net",
        "--subject", "Grüße", "--text", "hello");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().matches("sent <[^>]+@example\\.org> to 2 recipients via mock \\(127\\.0\\.0\\.1:" + server.port()
        + "\\)\\R"), r.out());
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertTrue(m.tls());
    assertEquals("me", m.authenticatedUser().orElseThrow());
    assertFalse(m.rawText().contains("eve@example.net"), "no Bcc header");
    assertTrue(m.envelope().recipients().contains("eve@example.net"));
  }

  @Test void traceShowsTheDialogueWithoutThePassword() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw-secret-123"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("send", "--config", conf.toString(), "--trace", "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("> EHLO client.example"), r.err());
    assertTrue(r.err().contains("< 250-"), r.err());
    assertTrue(r.err().contains("> STARTTLS"), r.err());
    assertFalse(r.err().contains("pw-secret-123"), r.err());
    assertFalse(r.err().contains(java.util.Base64.getEncoder().encodeToString("\0me\0pw-secret-123".getBytes(StandardCharsets.UTF_8))));
  }

  @Test void checkReportsTlsAndAuth() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("check", "--config", conf.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("profile:"), r::toString);
    assertTrue(r.out().contains("TLSv1."), r::toString);
    assertEquals(0, server.messageCount(), "check sends nothing");
  }

  @Test void checkWithoutStartTlsUnderStartTlsIs76AndSendsNoCredentials() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.NONE).user("me", "pw"));
    Path conf = Servers.config(home, "mock", server, Map.of("tls", "starttls", "username", "me"), "pw");
    Result r = cli().run("check", "--config", conf.toString());
    assertEquals(76, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: "), r::toString);
    String transcript = server.transcriptText().toUpperCase(java.util.Locale.ROOT);
    assertFalse(transcript.contains("C: AUTH"), server.transcriptText());
    assertFalse(transcript.contains("C: MAIL FROM"), server.transcriptText());
    assertTrue(transcript.contains("C: EHLO"), server.transcriptText());
  }

  @Test void checkWithABadPasswordIs77() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "right"));
    Path conf = Servers.config(home, "mock", server, Map.of(), "wrong");
    Result r = cli().run("check", "--config", conf.toString());
    assertEquals(77, r.code(), r::toString);
    assertTrue(r.err().lines().count() <= 2, r::toString);
  }

  @Test void checkWithNothingListeningIs69() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Result r = new CliRunner(home).terminal().run("check", "--set", "herald.profiles.dead.transport=smtp",
        "--set", "herald.profiles.dead.host=127.0.0.1", "--profile", "dead", "--set", "port=" + port,
        "--set", "tls=none", "--set", "timeouts.connect=2s");
    assertEquals(69, r.code(), r::toString);
    assertTrue(r.err().contains(String.valueOf(port)), r::toString);
  }

  @Test @org.junit.jupiter.api.Timeout(25) void sendToAnUnknownHostIs69AtOnceWithTheHint() {
    // Permanent: not retried even with retries configured (a retry would wait 30 s or more).
    Result r = new CliRunner(home).terminal().run("send", "--set", "herald.profiles.nowhere.transport=smtp",
        "--set", "herald.profiles.nowhere.host=no-such-host.invalid", "--profile", "nowhere", "--set", "tls=none",
        "--set", "retry.attempts=3", "--set", "retry.backoff=60s", "--from", "me@example.org",
        "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(69, r.code(), r::toString);
    assertEquals("herald: unknown host 'no-such-host.invalid'\nherald: hint: check the host name in the profile\n", r.err());
  }

  @Test void sendmailReadsRecipientsStripsBccAndSendsCrlf() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().stdin("To: a@example.com\nBcc: hidden@example.com\nSubject: hi\n\nbody\n")
        .run("sendmail", "--config", conf.toString(), "-t", "-oi");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out());
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertEquals(java.util.List.of("a@example.com", "hidden@example.com"), m.envelope().recipients());
    assertEquals("me@example.org", m.envelope().sender());
    String raw = m.rawText();
    assertFalse(raw.contains("hidden@example.com"), raw);
    assertFalse(raw.matches("(?s).*[^\r]\n.*"), "bare LF on the wire: " + raw);
    assertTrue(raw.contains("\r\n\r\nbody\r\n"), raw);
    assertNotNull(m.header("Message-ID").orElse(null), raw);
    assertNotNull(m.header("Date").orElse(null), raw);
  }

  @Test void sendmailTransientFailureIs75() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    server.script(dev.herald.mail.testkit.Fault.at(dev.herald.mail.Stage.MAIL).reply(451, "4.3.0 try later"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().stdin("Subject: hi\n\nbody\n").run("sendmail", "--config", conf.toString(), "a@example.com");
    assertEquals(75, r.code(), r::toString);
  }

  @Test void everyRecipientRejectedIs67() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    server.script(dev.herald.mail.testkit.Fault.at(dev.herald.mail.Stage.RCPT).reply(550, "5.1.1 No such user"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("send", "--config", conf.toString(), "--to", "ghost@example.net", "--subject", "s", "--text", "t");
    assertEquals(67, r.code(), r::toString);
  }

  // ---- hostile servers (#14)

  @Test void aServerDrippingItsGreetingIs75WithinTheReplyTimeout() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    server.script(Fault.at(Stage.CONNECT).drip(Duration.ofMillis(250)));   // ~10 s for the whole greeting
    Path conf = Servers.config(home, "mock", server, Map.of("timeouts.reply", "1s"));
    long start = System.nanoTime();
    Result r = cli().run("check", "--config", conf.toString());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(75, r.code(), r::toString);
    assertTrue(r.err().contains("did not answer within 1 s"), r::toString);
    // The whole greeting would take ~11 s; the bound leaves room for the CLI's own start on a loaded machine.
    assertTrue(ms < 5000, "herald check took " + ms + " ms against a dripping server with timeouts.reply = 1s");
  }

  @Test void escapeSequencesFromTheServerNeverReachTheTerminal() throws Exception {
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    server.script(Fault.at(Stage.MAIL).reply(554, "\u001b[2J\u001b[31mfake error\u0007"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("send", "--config", conf.toString(), "--trace", "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(69, r.code(), r::toString);
    assertTrue(r.err().contains("herald: ") && r.err().contains("\\x1b[2J\\x1b[31mfake error\\x07"), r::toString);
    assertTrue(r.err().contains("< 554 \\x1b[2J"), "the trace shows it escaped too: " + r);
    assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r::toString);
    assertFalse(r.out().contains("\u001b"), r::toString);
  }

  @Test void starttlsAnswered454Is75() throws Exception {
    // A temporary refusal: retrying later may succeed (DESIGN: transient or permanent follows the reply code).
    start(MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw"));
    server.script(Fault.at(Stage.STARTTLS).reply(454, "4.7.0 TLS not available due to temporary reason"));
    Path conf = Servers.config(home, "mock", server, Map.of());
    Result r = cli().run("check", "--config", conf.toString());
    assertEquals(75, r.code(), r::toString);
    assertFalse(server.transcriptText().toUpperCase(java.util.Locale.ROOT).contains("C: AUTH"), server.transcriptText());
  }
}

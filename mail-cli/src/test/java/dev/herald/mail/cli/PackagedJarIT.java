package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar and bin/herald as separate processes, against MockSmtpServer with STARTTLS and AUTH. */
class PackagedJarIT {
  @TempDir Path tmp;
  MockSmtpServer server;
  Path conf;

  @BeforeEach void start() throws IOException {
    server = MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw").requireTls(true).requireAuth(true).build().start();
    conf = Servers.config(tmp, "mock", server, Map.of());
  }

  @AfterEach void stop() { server.close(); }

  record Run(int code, String out, String err) { }

  private Run run(List<String> command, String stdin, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().remove("HERALD_PROFILE");
    pb.environment().put("HERALD_CONFIG", conf.toString());
    pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
    pb.environment().putAll(env);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test void theJarSendsOverStartTlsWithAuth() throws Exception {
    Path jar = Path.of(System.getProperty("herald.jar", "target/herald.jar"));
    assertTrue(Files.isRegularFile(jar), "the packaged jar: " + jar.toAbsolutePath());
    Run r = run(List.of(java(), "-jar", jar.toString(), "send", "--to", "bob@example.net", "--subject", "Über den Jar",
        "--text", "from a separate process", "--trace"), "", Map.of());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().matches("sent <[^>]+> to 1 recipient via mock \\(127\\.0\\.0\\.1:" + server.port() + "\\)\\R"), r.out());
    assertTrue(r.err().contains("> STARTTLS"), r.err());
    assertFalse(r.err().contains("pw"), "no password in the trace");
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertTrue(m.tls());
    assertEquals("me", m.authenticatedUser().orElseThrow());
    assertEquals("Über den Jar", m.mime().getSubject());
  }

  @Test void theJarExitsWithSysexits() throws Exception {
    Path jar = Path.of(System.getProperty("herald.jar", "target/herald.jar"));
    assertEquals(64, run(List.of(java(), "-jar", jar.toString(), "send", "--bogus"), "", Map.of()).code());
    Run r = run(List.of(java(), "-jar", jar.toString(), "send", "--to", "a@example.net", "--subject", "x\r\ny", "--text", "t"), "", Map.of());
    assertEquals(65, r.code(), r::toString);
    assertEquals(0, server.messageCount());
  }

  @Test void binHeraldThroughALinkNamedSendmail() throws Exception {
    Path home = Path.of(System.getProperty("herald.home", ".."));
    Path launcher = home.resolve("bin/herald").toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), launcher.toString());
    Path link = Files.createSymbolicLink(tmp.resolve("sendmail"), launcher);
    List<String> cmd = new ArrayList<>(List.of(link.toString(), "-t", "-oi"));
    // The jar was just built by Maven: the launcher must not start another build from inside this one.
    Run r = run(cmd, "To: a@example.com\nBcc: secret@example.com\nSubject: hi\n\nbody\n", Map.of("HERALD_NO_BUILD", "1"));
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out());
    assertEquals("", r.err(), "nothing on stderr, not even from the JVM's class-data sharing");
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertEquals(List.of("a@example.com", "secret@example.com"), m.envelope().recipients());
    String raw = m.rawText();
    assertFalse(raw.contains("secret@example.com"), raw);
    assertFalse(raw.replace("\r\n", "").contains("\n"), "only CRLF line endings: " + raw);
    assertTrue(raw.endsWith("\r\n\r\nbody\r\n"), raw);
  }
}

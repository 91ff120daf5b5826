package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testkit.testing.RawSmtpClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevServerTest {

  @Test void parsesItsArguments() {
    DevServer.Options o = DevServer.Options.parse("--port", "2600", "--tls", "--auth", "bob:se:cret", "--save", "inbox");
    assertEquals(2600, o.port());
    assertEquals(MockSmtpServer.TlsMode.STARTTLS, o.tls());
    assertEquals("bob", o.user());
    assertEquals("se:cret", o.password());
    assertEquals(Path.of("inbox"), o.saveDir());
    assertFalse(o.toString().contains("se:cret"), "no password in toString");
    assertEquals(DevServer.Options.defaults(), DevServer.Options.parse());
    assertEquals(2525, DevServer.Options.parse().port());
    assertEquals(MockSmtpServer.TlsMode.IMPLICIT, DevServer.Options.parse("--implicit-tls").tls());
    assertNull(DevServer.Options.parse().uiPort());
    assertEquals(8025, DevServer.Options.parse("--ui").uiPort());
    assertEquals(8025, DevServer.Options.parse("--ui", "--port", "1").uiPort());
    assertEquals(9000, DevServer.Options.parse("--ui", "9000").uiPort());
    assertTrue(DevServer.Options.parse().listen().isLoopbackAddress());
    assertTrue(DevServer.Options.parse("--listen", "0.0.0.0").listen().isAnyLocalAddress());
    assertEquals(500, DevServer.Options.parse().maxMessages());
    assertEquals(20, DevServer.Options.parse("--max-messages", "20").maxMessages());
  }

  @Test void rejectsBadArguments() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--port", "x")).getMessage().contains("--port"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--port")).getMessage().contains("needs a value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--auth", "nopass")).getMessage().contains("USER:PASS"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--bogus")).getMessage().contains("usage:"));
    assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--port", "70000"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--listen", "example.org")).getMessage()
        .contains("IP address"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DevServer.Options.parse("--max-messages", "0")).getMessage()
        .contains("--max-messages"));
  }

  @Test void printsAndSavesEachMessage(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    DevServer.Options o = DevServer.Options.defaults().withPort(0).withAuth("bob", "pw").withSaveDir(dir.resolve("inbox"));
    try (DevServer d = DevServer.start(o, out);
         RawSmtpClient c = new RawSmtpClient(d.server().host(), d.server().port())) {
      c.reply();
      c.command("EHLO dev");
      assertTrue(c.command("MAIL FROM:<a@example.org>").get(0).startsWith("530"), "AUTH required with --auth");
      c.command("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0bob\0pw".getBytes(StandardCharsets.UTF_8)));
      deliver(c, "Message-ID: <m1@example.org>", "b@example.net", "c@example.net");
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("herald dev-server listening on 127.0.0.1:"), text);
    assertTrue(text.contains("received <m1@example.org> from a@example.org to b@example.net, c@example.net (53 bytes, tls=false, auth=bob)"), text);
    List<Path> saved;
    try (Stream<Path> s = Files.list(dir.resolve("inbox"))) {
      saved = s.toList();
    }
    assertEquals(1, saved.size());
    assertTrue(saved.get(0).toString().endsWith(".eml"));
    assertEquals("Message-ID: <m1@example.org>\r\nSubject: dev\r\n\r\nhello\r\n", Files.readString(saved.get(0)));
    assertTrue(text.contains("saved " + saved.get(0)), text);
  }

  /** MAIL FROM a@example.org, RCPT TO each recipient, a message with this header line and Subject: dev; then QUIT. */
  private static void deliver(RawSmtpClient c, String header, String... recipients) throws Exception {
    c.command("MAIL FROM:<a@example.org>");
    for (String r : recipients) c.command("RCPT TO:<" + r + ">");
    c.command("DATA");
    assertTrue(c.command(header + "\r\nSubject: dev\r\n\r\nhello\r\n.").get(0).startsWith("250"));
    c.command("QUIT");
  }

  @Test void aClientCannotWriteEscapeSequencesToTheTerminal() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (DevServer d = DevServer.start(DevServer.Options.defaults().withPort(0), out);
         RawSmtpClient c = new RawSmtpClient(d.server().host(), d.server().port())) {
      c.reply();
      c.command("EHLO dev");
      deliver(c, "Message-ID: <\u001b[2J\u001b[31mx\u0007@example.org>", "b@example.net");
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("received <\\x1b[2J\\x1b[31mx\\x07@example.org> from a@example.org"), text);
    assertFalse(text.contains("\u001b") || text.contains("\u0007"), text);
  }

  @Test void theWebInboxListsWhatIsSavedEvenAfterARestart(@TempDir Path dir) throws Exception {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    DevServer.Options o = DevServer.Options.defaults().withPort(0).withUi(0).withSaveDir(dir);
    try (DevServer d = DevServer.start(o, out); RawSmtpClient c = new RawSmtpClient(d.server().host(), d.server().port())) {
      c.reply();
      c.command("EHLO dev");
      c.command("MAIL FROM:<a@example.org>");
      c.command("RCPT TO:<b@example.net>");
      c.command("DATA");
      assertTrue(c.command("Subject: kept on disk\r\n\r\nhello\r\n.").get(0).startsWith("250"));
      c.command("QUIT");
    }
    try (DevServer again = DevServer.start(o, out)) {
      String list = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(again.uiUrl().orElseThrow().resolve("api/v1/messages")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(list.startsWith("{\"total\":1,") && list.contains("\"Subject\":\"kept on disk\""), list);
    }
  }

  @Test void runBlocksUntilInterrupted() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    Thread t = new Thread(() -> {
      try {
        DevServer.run(DevServer.Options.defaults().withPort(0).withTls(MockSmtpServer.TlsMode.STARTTLS), out);
      } catch (InterruptedException expected) {
        // how run() ends
      }
    });
    t.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!buf.toString(StandardCharsets.UTF_8).contains("profile:") && System.currentTimeMillis() < deadline) Thread.sleep(20);
    String text = buf.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("tls=starttls"), text);
    assertTrue(text.contains("certificate (self-signed"), text);
    assertTrue(t.isAlive());
    t.interrupt();
    t.join(5000);
    assertFalse(t.isAlive());
  }
}

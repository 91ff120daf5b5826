package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testing.Dkimpy;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code herald dkim keygen}, then {@code send} and {@code sendmail -t} through a profile with a
 * dkim block: the messages as MockSmtpServer received them (after dot-unstuffing) verify with
 * dkimpy against the record keygen printed; {@code check} and {@code config} show the setup.
 */
class DkimCliIT {
  @TempDir Path home;
  MockSmtpServer server;

  @AfterEach void stop() {
    if (server != null) server.close();
  }

  private CliRunner cli() { return new CliRunner(home).terminal(); }

  /** The TXT text of a printed record: its quoted strings joined. */
  static String txt(String record) {
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(record);
    StringBuilder sb = new StringBuilder();
    while (m.find()) sb.append(m.group(1));
    return sb.toString();
  }

  @ParameterizedTest @CsvSource({"rsa, k=rsa", "ed25519, k=ed25519"})
  void keygenWritesAnOwnerOnlyKeyAndPrintsTheRecord(String algorithm, String k) throws Exception {
    Path key = home.resolve("keys/dkim.pem");
    Result r = cli().run("dkim", "keygen", "--domain", "Example.ORG", "--selector", "s2026", "--algorithm", algorithm,
        "--out", key.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("s2026._domainkey.example.org IN TXT \"v=DKIM1; " + k + "; p="), r.out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    String pem = Files.readString(key);
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem.substring(0, 30));
    assertFalse(r.out().contains(pem.substring(30, 60)) || r.err().contains(pem.substring(30, 60)), "the private key is never printed");
    try (var files = Files.list(key.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }

    Result again = cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s2026", "--out", key.toString());
    assertEquals(64, again.code(), again::toString);
    assertTrue(again.err().contains("--force"), again.err());
    assertEquals(pem, Files.readString(key), "an existing key is not replaced");
    Result forced = cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s2026", "--out", key.toString(), "--force");
    assertEquals(0, forced.code(), forced::toString);
    assertFalse(pem.equals(Files.readString(key)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
  }

  @Test void keygenRejectsBadArguments() {
    Path key = home.resolve("k.pem");
    assertEquals(64, cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s", "--bits", "1024",
        "--out", key.toString()).code());
    assertEquals(64, cli().run("dkim", "keygen", "--domain", "exa mple.org", "--selector", "s", "--out", key.toString()).code());
    assertEquals(64, cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s", "--algorithm", "dsa",
        "--out", key.toString()).code());
    assertFalse(Files.exists(key));
    Result bare = cli().run("dkim");
    assertEquals(64, bare.code(), bare::toString);
    assertTrue(bare.err().contains("keygen"), bare.err());
    Result help = cli().run("dkim", "keygen", "--help");
    assertEquals(0, help.code(), help::toString);
    assertTrue(help.out().contains("--selector") && help.out().contains("--force"), help.out());
  }

  @ParameterizedTest @CsvSource({"rsa, relaxed/relaxed, false", "ed25519, relaxed/relaxed, true", "rsa, simple/simple, true",
      "ed25519, simple, false"})
  void sendAndSendmailAreSignedAsTheyArriveOnTheWire(String algorithm, String canonicalization, boolean chunking) throws Exception {
    Dkimpy.assumeAvailable();
    Path key = home.resolve("dkim.pem");
    Result gen = cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s1", "--algorithm", algorithm,
        "--out", key.toString());
    assertEquals(0, gen.code(), gen::toString);
    Map<String, String> dns = Map.of("s1._domainkey.example.org", txt(gen.out()));
    // With CHUNKING the message goes in BDAT chunks (no dot-stuffing), without it after DATA (dot-stuffed).
    server = MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw").chunking(chunking).build().start();
    Path conf = Servers.config(home, "mock", server, Map.of("dkim", Map.of("domain", "example.org", "selector", "s1",
        "private-key", Map.of("file", key.toString()), "canonicalization", canonicalization),
        "headers", Map.of("X-Team", "ops")));

    Path html = Files.writeString(home.resolve("body.html"), "<p>Report <img src=\"cid:logo\"></p>\n");
    Path pdf = Files.write(home.resolve("report.pdf"), new byte[70_000]);
    Path png = Files.write(home.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    Result sent = cli().run("send", "--config", conf.toString(), "--to", "bob@example.net", "--bcc", "eve@example.net",
        "--subject", "Grüße — a subject long enough that it has to be folded onto a second line by the renderer",
        "--text", ".leading dot\n..two\n\n\n", "--html-file", html.toString(), "--attach", pdf.toString(),
        "--inline", "logo=" + png.toString());
    assertEquals(0, sent.code(), sent::toString);
    RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
    assertTrue(m.rawText().startsWith("DKIM-Signature: v=1; a=" + (algorithm.equals("rsa") ? "rsa" : "ed25519") + "-sha256;"),
        m.rawText().substring(0, 80));
    assertTrue(m.rawText().contains("X-Team: ops"), "the profile's headers are added before signing");
    Dkimpy.Verdict v = Dkimpy.verify(m.raw(), dns);
    assertTrue(v.pass(), "send: " + v.output());

    String raw = "From: Ann <me@example.org>\nTo: bob@example.net\nBcc: eve@example.net\nSubject: cron\n\n"
        + ".hidden line\n.\n..\nlast\n\n\n";
    Result sm = new CliRunner(home).stdin(raw).run("sendmail", "--config", conf.toString(), "-t", "-i");
    assertEquals(0, sm.code(), sm::toString);
    RecordedMessage s = server.takeMessage(Duration.ofSeconds(5));
    assertTrue(s.envelope().recipients().contains("eve@example.net"));
    assertFalse(s.rawText().contains("eve@example.net"), "Bcc is stripped before signing");
    v = Dkimpy.verify(s.raw(), dns);
    assertTrue(v.pass(), "sendmail: " + v.output());
    byte[] changed = s.rawText().replace("last", "lost").getBytes(StandardCharsets.UTF_8);
    Result dry = cli().run("send", "--config", conf.toString(), "--dry-run", "--to", "bob@example.net", "--subject", "dry",
        "--text", "what would be sent");
    assertEquals(0, dry.code(), dry::toString);
    assertTrue(dry.out().startsWith("DKIM-Signature: "), "a dry run shows the message as it would be sent: " + dry.out());
    List<Dkimpy.Verdict> verdicts = Dkimpy.verifyAll(List.of(changed, dry.outBytes()), dns);
    assertFalse(verdicts.get(0).pass(), "a changed message fails");
    assertTrue(verdicts.get(1).pass(), "dry run: " + verdicts.get(1).output());
  }

  @Test void checkShowsTheSetupAndConfigRedactsTheKey() throws Exception {
    Path key = home.resolve("dkim.pem");
    Result gen = cli().run("dkim", "keygen", "--domain", "example.org", "--selector", "s1", "--out", key.toString());
    server = MockSmtpServer.builder().tls(TlsMode.STARTTLS).user("me", "pw").build().start();
    Path conf = Servers.config(home, "mock", server, Map.of("dkim", Map.of("domain", "example.org", "selector", "s1",
        "private-key", Map.of("file", key.toString()), "expire", "7d")));
    Result check = cli().run("check", "--config", conf.toString());
    assertEquals(0, check.code(), check::toString);
    assertTrue(check.out().contains("d=example.org s=s1 a=rsa-sha256 c=relaxed/relaxed x=+604800s; key readable (file:"),
        check.out());
    assertTrue(check.out().contains("dkim-dns:") && check.out().contains(gen.out().strip()), check.out());
    assertEquals(0, server.messageCount(), "check sends nothing");

    String pem = Files.readString(key);
    Path inline = Files.writeString(home.resolve("inline.conf"), "herald.profile = p\nherald.profiles.p {\n"
        + "  transport = file, from = \"me@example.org\", directory = \"" + home.resolve("out") + "\"\n"
        + "  dkim { domain = example.org, selector = s1, private-key = \"\"\"" + pem + "\"\"\" }\n}\n");
    Result config = cli().run("config", "--config", inline.toString());
    assertEquals(0, config.code(), config::toString);
    assertTrue(config.out().contains("dkim.private-key = <redacted>"), config.out());
    assertFalse(config.out().contains(pem.substring(30, 60)), config.out());
    Result sent = cli().run("send", "--config", inline.toString(), "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, sent.code(), sent::toString);
  }

  @Test void badDkimConfigNamesTheKeyFileAndLine() throws Exception {
    Path conf = Files.writeString(home.resolve("bad.conf"), "herald.profile = p\nherald.profiles.p {\n"
        + "  transport = file\n  dkim {\n    domain = example.org\n    selector = s1\n    private-key.file = nope.pem\n"
        + "    canonicalisation = simple\n  }\n}\n");
    Result r = cli().run("send", "--config", conf.toString(), "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("unknown key 'canonicalisation'") && r.err().contains("bad.conf: 8"), r.err());
    assertTrue(r.err().contains("canonicalization"), "names the known keys: " + r.err());
    Files.writeString(conf, Files.readString(conf).replace("    canonicalisation = simple\n", ""));
    r = cli().run("send", "--config", conf.toString(), "--to", "bob@example.net", "--subject", "s", "--text", "t");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("nope.pem"), r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> !l.contains("hint")).count(), r.err());
  }
}

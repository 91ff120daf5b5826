package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.mail.cli.testing.CliRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's {@code .eml} read by an independent parser, Python's {@code email} package: headers, the
 * non-ASCII subject, and attachments that decode to the original bytes. Skipped without python3.
 */
class OutboxPythonIT {
  @TempDir Path home;

  private static final String PARSER = """
      import sys, email, hashlib
      from email import policy
      m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
      print('subject=' + str(m['subject']))
      print('from=' + str(m['from']))
      print('to=' + str(m['to']))
      print('bcc=' + str(m['bcc']))
      print('body=' + m.get_body(('plain',)).get_content().strip())
      for part in m.iter_attachments():
          print('attachment=%s %s' % (part.get_filename(), hashlib.sha256(part.get_payload(decode=True)).hexdigest()))
      """;

  @Test void pythonReadsTheOutboxFile() throws Exception {
    assumeTrue(python() , "python3 is not on the PATH: the independent-parser check is skipped");
    byte[] binary = new byte[100_000];
    new Random(42).nextBytes(binary);
    Path bin = Files.write(home.resolve("data.bin"), binary);
    Path text = Files.writeString(home.resolve("résumé.txt"), "a line\nanother line ünïcode\n");
    Path outbox = home.resolve("outbox");
    CliRunner.Result r = new CliRunner(home).terminal().run("send", "--set", "directory=" + outbox,
        "--from", "Zoë Example <zoe@example.org>", "--to", "Bob <bob@example.net>", "--bcc", "hidden@example.net",
        "--subject", "Grüße aus Köln — 東京", "--text", "Hallo Welt", "--attach", bin.toString(), "--attach", text.toString());
    assertEquals(0, r.code(), r::toString);
    Path eml;
    try (Stream<Path> files = Files.list(outbox)) {
      eml = files.findFirst().orElseThrow();
    }
    Path script = Files.writeString(home.resolve("parse.py"), PARSER);
    Process p = new ProcessBuilder("python3", script.toString(), eml.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    assertEquals(String.join("\n",
        "subject=Grüße aus Köln — 東京",
        "from=Zoë Example <zoe@example.org>",
        "to=Bob <bob@example.net>",
        "bcc=None",
        "body=Hallo Welt",
        "attachment=data.bin " + sha256(binary),
        "attachment=résumé.txt " + sha256(Files.readAllBytes(text))) + "\n", out);
  }

  private static boolean python() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}

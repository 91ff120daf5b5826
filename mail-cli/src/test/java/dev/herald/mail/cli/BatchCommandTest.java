package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.Servers;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald batch} in-process: the README's worked example, dry-run errors and exit codes, --send with --report. */
class BatchCommandTest {
  static final Path ROOT = Path.of(System.getProperty("herald.home", "..")).toAbsolutePath().normalize();
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach void setUp() {
    cli = new CliRunner(home).env("XDG_DATA_HOME", home.resolve("data").toString()).terminal();
  }

  private Path write(String name, String text) throws IOException {
    Path p = home.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** The README's example, run as printed there (in examples/batch), prints what the README shows. */
  @Test void theReadmeExampleRunsAsPrinted() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m = Pattern.compile("```sh\\n(herald batch [^\\n]+)\\n```\\n\\nwhich prints [^\\n]*\\n\\n((?:    [^\\n]*\\n|\\n)+)")
        .matcher(readme);
    assertTrue(m.find(), "the README has a herald batch example");
    List<String> args = List.of(m.group(1).split(" "));
    CliRunner inExamples = new CliRunner(home).env("XDG_DATA_HOME", home.resolve("data").toString()).terminal();
    List<String> absolute = args.subList(1, args.size()).stream()
        .map(a -> a.startsWith("examples/") ? ROOT.resolve(a).toString() : a).toList();
    Result r = inExamples.run(absolute.toArray(String[]::new));
    assertEquals(0, r.code(), r::toString);
    String expected = m.group(2).replaceAll("(?m)^    ", "").stripTrailing() + "\n";
    String actual = (r.out() + r.err()).replace(ROOT.toString() + "/", "")
        .replaceAll("Batch [0-9a-f]{12}", "Batch 3f2a9c1d7b4e").replaceAll("<[0-9a-f]{12}\\.", "<3f2a9c1d7b4e.");
    assertEquals(expected, actual);
  }

  /** The examples of {@code herald batch --help}, run as printed from the checkout's root (the outbox moved to a scratch directory). */
  @Test void theHelpExamplesRunAsPrinted() throws IOException {
    Result help = cli.run("batch", "--help");
    List<String> examples = help.out().lines().filter(l -> l.startsWith("  herald batch ")).toList();
    assertEquals(3, examples.size(), help.out());
    List<String> lines = help.out().lines().toList();
    int last = lines.indexOf(examples.get(2));
    assertEquals(lines.size() - 1, last, "the examples are not wrapped onto lines of their own:\n" + help.out());
    assertTrue(examples.get(2).endsWith("--send --limit 2"), examples.get(2));
    Path conf = write("herald.conf", "herald.profiles.outbox.directory = \"" + home.resolve("outbox") + "\"\n");
    for (String example : examples) {
      List<String> args = new java.util.ArrayList<>();
      for (String w : example.replaceAll("#.*", "").strip().split("\\s+")) {
        Path file = ROOT.resolve("examples/batch").resolve(w);
        args.add(w.equals("out.csv") ? home.resolve(w).toString() : Files.isRegularFile(file) ? file.toString() : w);
      }
      Result r = new CliRunner(home).env("XDG_DATA_HOME", home.resolve("data").toString()).env("HERALD_CONFIG", conf.toString())
          .terminal().run(args.subList(1, args.size()).toArray(String[]::new));
      assertEquals(0, r.code(), example + "\n" + r);
    }
    assertTrue(Files.readString(home.resolve("out.csv")).startsWith("row,recipient,message_id,status,reply\r\n1,"));
    try (java.util.stream.Stream<Path> s = Files.list(home.resolve("outbox"))) {
      assertEquals(3, s.count(), "the second run sent the three rows; the third, the same batch, none again");
    }
  }

  @Test void aDryRunListsBadRowsWithTheirNumbersAndExits65() throws IOException {
    Path t = write("t.txt", "From: me@example.org\nTo: {{email}}\nSubject: Hi {{name}}\n\nHello {{name}}\n");
    Path d = write("d.csv", "email,name\nann@example.net,Ann\nnot an address,Bob\ncy@example.net,\"Cy\r\nBcc: victim@example.com\"\n");
    Result r = cli.run("batch", t.toString(), d.toString());
    assertEquals(65, r.code(), r::toString);
    assertTrue(r.err().contains("herald: row 2: invalid address 'not an address'"), r.err());
    assertTrue(r.err().contains("herald: row 3: ") && r.err().toLowerCase().contains("line break"), r.err());
    assertTrue(r.out().contains("3 row(s): 1 ready, 2 with problems. Dry run: nothing was sent."), r.out());
    assertTrue(r.out().contains("To: ann@example.net"), r.out());
    assertTrue(!Files.exists(home.resolve("outbox")), "nothing was written to the outbox");
  }

  @Test void aMissingAttachmentExits66NamingTheRowAndAMissingFieldNamesIt() throws IOException {
    write("r/1.pdf", "one");
    Path t = write("t.txt", "To: {{email}}\nSubject: Report\nAttach: r/{{id}}.pdf\n\nAttached.\n");
    Path d = write("d.csv", "id,email\n1,ann@example.net\n2,bob@example.net\n");
    Result r = cli.run("batch", t.toString(), d.toString());
    assertEquals(66, r.code(), r::toString);
    assertTrue(r.err().contains("herald: row 2: Attach: no such readable file r/2.pdf"), r.err());
    Path t2 = write("t2.txt", "To: {{email}}\nSubject: Report for {{nmae}}\n\nx\n");
    Result r2 = cli.run("batch", t2.toString(), d.toString());
    assertEquals(65, r2.code(), r2::toString);
    assertTrue(r2.err().contains("herald: row 1: no field 'nmae'"), r2.err());
  }

  @Test void badArgumentsAreUsageErrors() throws IOException {
    Path t = write("t.txt", "To: {{email}}\nSubject: x\n\nx\n");
    Path d = write("d.csv", "email\na@example.net\n");
    assertEquals(64, cli.run("batch", t.toString(), d.toString(), "--rate", "fast").code());
    assertEquals(64, cli.run("batch", t.toString(), d.toString(), "--limit", "0").code());
    Result noRateLimit = cli.run("batch", t.toString(), d.toString(), "--rate", "5/s");
    assertEquals(64, noRateLimit.code());
    assertTrue(noRateLimit.err().contains("--rate: profile 'outbox' has no rate limit to override"), noRateLimit.err());
    assertEquals(64, cli.run("batch", t.toString(), d.toString(), "--batch", "../x").code());
    assertEquals(66, cli.run("batch", home.resolve("none.txt").toString(), d.toString()).code());
    assertEquals(66, cli.run("batch", t.toString(), home.resolve("none.csv").toString()).code());
    Result noBlank = cli.run("batch", write("bad.txt", "To: {{email}}\nSubject: x").toString(), d.toString());
    assertEquals(65, noBlank.code());
    assertTrue(noBlank.err().contains("has no blank line"), noBlank.err());
  }

  @Test void sendQueuesAndDeliversSkipsBadRowsWritesTheReportAndARerunSendsNothing() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).user("me", "pw").build().start()) {
      Path conf = Servers.config(home, "mock", server, Map.of());
      Path t = write("t.txt", "To: {{name}} <{{email}}>\nSubject: Hi {{name}}\n\nHello {{name}}\n");
      Path d = write("d.csv", "email,name\nann@example.net,\"Lee, Ann\"\nbad@,Bob\ncy@example.net,Cy\n");
      Path report = home.resolve("report.csv");
      Result r = cli.run("batch", t.toString(), d.toString(), "--config", conf.toString(), "--send", "--report", report.toString());
      assertEquals(65, r.code(), r::toString);
      assertEquals(2, server.messages().size(), r::toString);
      RecordedMessage first = server.messages().stream().filter(m -> m.envelope().recipients().contains("ann@example.net"))
          .findFirst().orElseThrow();
      assertEquals("Hi Lee, Ann", first.subject());
      assertTrue(r.out().contains("  sent           2"), r.out());
      assertTrue(r.out().contains("  skipped        1") && r.out().contains("row 2 Bob <bad@>: invalid address"), r.out());
      List<String> lines = Files.readAllLines(report);
      assertEquals("row,recipient,message_id,status,reply", lines.get(0));
      assertTrue(lines.get(1).matches("1,\"\"\"Lee, Ann\"\" <ann@example.net>\",<[0-9a-f]{12}\\.1\\.batch@example\\.org>,sent,250 .*"),
          lines.get(1));
      assertTrue(lines.get(2).startsWith("2,Bob <bad@>,,skipped,"), lines.get(2));
      assertTrue(lines.get(3).startsWith("3,Cy <cy@example.net>,<"), lines.get(3));

      Result again = cli.run("batch", t.toString(), d.toString(), "--config", conf.toString(), "--send");
      assertEquals(65, again.code(), again::toString);
      assertTrue(again.out().contains("  sent           2"), again.out());
      Thread.sleep(200);
      assertEquals(2, server.messages().size(), "the rerun sent nothing");
    }
  }

  @Test void aRefusalsControlCharactersNeverReachTheTerminal() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).user("me", "pw").build().start()) {
      server.script(dev.herald.mail.testkit.Fault.at(dev.herald.mail.Stage.RCPT).reply(550, "5.1.1 \u001b]0;pwned\u0007no such user"));
      Path conf = Servers.config(home, "mock", server, Map.of());
      Path t = write("t.txt", "To: {{email}}\nSubject: Hi\n\nHello\n");
      Path d = write("d.csv", "email\nghost@example.net\n");
      Result r = cli.run("batch", t.toString(), d.toString(), "--config", conf.toString(), "--send");
      assertTrue(r.out().contains("row 1 ghost@example.net: ") && r.out().contains("no such user"), r::toString);
      assertTrue((r.out() + r.err()).chars().noneMatch(c -> c == 0x1b || c == 0x07), r::toString);
    }
  }
}

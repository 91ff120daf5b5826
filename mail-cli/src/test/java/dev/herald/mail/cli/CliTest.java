package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.FakeTransportFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command in-process, and every exit code of DESIGN.md's table. */
class CliTest {
  @TempDir Path home;
  Path outbox;
  Path conf;
  CliRunner cli;

  @BeforeEach void setUp() throws IOException {
    outbox = home.resolve("outbox");
    conf = home.resolve("herald.conf");
    Files.writeString(conf, """
        herald {
          profile = box
          profiles {
            box { transport = file, directory = "%s", from = "Herald Test <test@example.org>" }
            fake { transport = fake, from = "me@example.org", username = "me", password.env = FAKE_PASSWORD }
            inline { transport = fake, username = "me", password = "s3cret-inline" }
            secret { transport = fake, username = "me", password.env = SOME_VAR, description = "env secret" }
          }
        }
        """.formatted(outbox.toString().replace("\\", "\\\\")));
    cli = new CliRunner(home).env("FAKE_PASSWORD", "s3cret-env").terminal();
    FakeTransportFactory.SENT.clear();
  }

  private List<Path> outboxFiles() throws IOException {
    if (!Files.isDirectory(outbox)) return List.of();
    try (Stream<Path> s = Files.list(outbox)) {
      return s.toList();
    }
  }

  @Test void sendWritesToTheOutboxAndSaysWhere() throws IOException {
    Result r = cli.run("send", "--config", conf.toString(), "--to", "bob@example.net", "--subject", "Hi", "--text", "Hello");
    assertEquals(0, r.code(), r::toString);
    List<Path> files = outboxFiles();
    assertEquals(1, files.size());
    assertTrue(r.out().startsWith("sent <"), r::toString);
    assertTrue(r.out().contains("to 1 recipient via box (" + files.get(0) + ")"), r::toString);
    assertTrue(r.out().contains("add a profile to " + conf), r::toString);
    assertEquals("", r.err());
    String eml = Files.readString(files.get(0));
    assertTrue(eml.contains("From: Herald Test <test@example.org>\r\n"), eml);
  }

  @Test void builtInOutboxProfileWorksWithNoConfigAtAll() throws IOException {
    Result r = cli.run("send", "--set", "directory=" + outbox, "--to", "bob@example.net", "--subject", "Hi", "--text", "x");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("via outbox ("), r::toString);
    assertEquals(1, outboxFiles().size());
  }

  @Test void quietPrintsNothing() {
    Result r = cli.run("send", "--config", conf.toString(), "-q", "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out());
  }

  @Test void bodyFromStdinWhenNotATerminal() {
    Result r = cli.stdin("from a pipe\n").run("send", "--profile", "fake", "--config", conf.toString(),
        "--to", "bob@example.net", "--subject", "s");
    assertEquals(0, r.code(), r::toString);
    assertTrue(FakeTransportFactory.SENT.peek().text().contains("from a pipe"));
  }

  @Test void dryRunPrintsTheMessageAndSendsNothing() throws IOException {
    Result r = cli.run("send", "--config", conf.toString(), "--dry-run", "--to", "bob@example.net", "--bcc", "hidden@example.net",
        "--subject", "Grüße", "--text", "Hello");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("Subject: =?UTF-8?"), r::toString);
    assertTrue(r.out().contains("\r\n\r\nHello"), r::toString);
    assertFalse(r.out().contains("hidden@example.net"), "Bcc must not be in the headers");
    assertTrue(r.err().contains("<hidden@example.net>"), "the envelope is shown on stderr: " + r.err());
    assertEquals(List.of(), outboxFiles());
  }

  @Test void successLineNamesHostAndPortOfANetworkTransport() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--to", "a@example.net, b@example.net",
        "--cc", "c@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().matches("sent <[^>]+@example\\.org> to 3 recipients via fake \\(fake\\.example:25\\)\\R"), r.out());
    assertEquals("me", FakeTransportFactory.SENT.peek().username());
  }

  @Test void thirdPartyTransportIsSelectedByNameWithNoChangeToTheCli() {
    Result r = cli.run("send", "--config", conf.toString(), "--set", "herald.profile=fake", "--set", "port=2525",
        "--to", "a@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("via fake (fake.example:2525)"), r::toString);
  }

  @Test void partialDeliveryExitsZeroAndNamesTheRejected() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--set", "reject=[x@example.net]",
        "--to", "a@example.net,x@example.net", "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("herald: warning: x@example.net rejected: 550 5.1.1 No such user"), r::toString);
    assertTrue(r.out().contains("to 1 recipient (1 rejected) via fake"), r::toString);
  }

  @Test void traceShowsTheDialogueOnStderr() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--trace", "--to", "a@example.net",
        "--subject", "s", "--text", "t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("* connected to fake.example:25\n> MAIL FROM:<me@example.org>\n< 250 2.1.0 OK"), r::toString);
  }

  // ---- exit codes, DESIGN.md's table: 64 65 66 67 69 70 74 75 76 77 78

  @Test void badFlagIs64() {
    Result r = cli.run("send", "--to", "a@example.net", "--subject", "s", "--no-such-flag");
    assertEquals(64, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: Unknown option: '--no-such-flag'"), r::toString);
    assertTrue(r.err().contains("herald: hint: see 'herald send --help'"), r::toString);
  }

  @Test void missingSubjectIs64() {
    assertEquals(64, cli.run("send", "--to", "a@example.net", "--text", "t").code());
  }

  @Test void noRecipientIs64() {
    Result r = cli.run("send", "--subject", "s", "--text", "t");
    assertEquals(64, r.code(), r::toString);
    assertTrue(r.err().contains("no recipient"), r::toString);
  }

  @Test void badSetIs64() {
    assertEquals(64, cli.run("send", "--set", "novalue", "--to", "a@example.net", "--subject", "s", "--text", "t").code());
  }

  @Test void noCommandShowsUsageAnd64() {
    Result r = cli.run();
    assertEquals(64, r.code());
    assertTrue(r.err().contains("Usage: herald"), r::toString);
  }

  static Stream<List<String>> badMessages() {
    return Stream.of(
        List.of("--to", "bob@example.net\r\nBcc: victim@example.net", "--subject", "s"),
        List.of("--to", "bob@example.net", "--subject", "hi\r\nBcc: victim@example.net"),
        List.of("--to", "bob@example.net", "--subject", "hi\nX-Injected: yes"),
        List.of("--to", "bob@example.net", "--cc", "carol@example.net\rX: y", "--subject", "hi"),
        List.of("--to", "not an address", "--subject", "s"));
  }

  @ParameterizedTest
  @MethodSource("badMessages")
  void lineBreaksAndBadAddressesAre65AndWriteNothing(List<String> args) throws IOException {
    List<String> all = new java.util.ArrayList<>(List.of("send", "--config", conf.toString(), "--text", "t"));
    all.addAll(args);
    Result r = cli.run(all.toArray(String[]::new));
    assertEquals(65, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: "), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertEquals(List.of(), outboxFiles());
  }

  @Test void headerWithLineBreakIs65AndWritesNothing() throws IOException {
    Result r = cli.run("send", "--config", conf.toString(), "--to", "b@example.net", "--subject", "s", "--text", "t",
        "--header", "X-Tag: a\r\nBcc: victim@example.net");
    assertEquals(65, r.code(), r::toString);
    assertTrue(r.err().contains("line break"), r::toString);
    assertEquals(List.of(), outboxFiles());
  }

  @Test void missingAttachmentIs66() throws IOException {
    Result r = cli.run("send", "--config", conf.toString(), "--to", "b@example.net", "--subject", "s", "--text", "t",
        "--attach", home.resolve("nope.pdf").toString());
    assertEquals(66, r.code(), r::toString);
    assertTrue(r.err().contains("nope.pdf"), r::toString);
    assertEquals(List.of(), outboxFiles());
  }

  @Test void missingTextFileAndConfigAre66() {
    assertEquals(66, cli.run("send", "--to", "b@example.net", "--subject", "s", "--text-file", home.resolve("x.txt").toString()).code());
    Result r = cli.run("send", "--config", home.resolve("missing.conf").toString(), "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(66, r.code(), r::toString);
    assertTrue(r.err().contains("missing.conf"), r::toString);
  }

  @Test void missingConfigFromEnvironmentIs66() {
    Result r = cli.env("HERALD_CONFIG", home.resolve("gone.conf").toString())
        .run("send", "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(66, r.code(), r::toString);
  }

  @Test void everyRecipientRejectedIs67() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--set", "reject=[x@example.net]",
        "--to", "x@example.net", "--subject", "s", "--text", "t");
    assertEquals(67, r.code(), r::toString);
    assertTrue(r.err().contains("every recipient was rejected"), r::toString);
  }

  @ParameterizedTest
  @CsvSource({"unreachable,69", "permanent,69", "tempfail,75", "tls,76", "protocol,76", "auth,77"})
  void serverFailuresMapToSysexits(String fail, int code) {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--set", "fail=" + fail,
        "--to", "a@example.net", "--subject", "s", "--text", "t");
    assertEquals(code, r.code(), r::toString);
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    assertTrue(r.err().lines().count() <= 2, r::toString);
  }

  @Test void authFailureShowsTheHint() {
    Result r = cli.run("check", "--config", conf.toString(), "--profile", "fake", "--set", "fail=auth");
    assertEquals(77, r.code(), r::toString);
    assertEquals("herald: authentication failed: 535 5.7.8 bad credentials\n"
        + "herald: hint: check the username and password of the profile\n", r.err());
  }

  @Test void aBugIs70WithAStackTraceOnlyWhenVerbose() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--set", "fail=bug",
        "--to", "a@example.net", "--subject", "s", "--text", "t");
    assertEquals(70, r.code(), r::toString);
    assertTrue(r.err().startsWith("herald: internal error: java.lang.NullPointerException"), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
    Result v = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--set", "fail=bug", "--verbose",
        "--to", "a@example.net", "--subject", "s", "--text", "t");
    assertEquals(70, v.code());
    assertTrue(v.err().contains("\tat "), v::toString);
  }

  @Test void unwritableOutboxIs74() throws IOException {
    Files.writeString(outbox, "a file where the directory should be");
    Result r = cli.run("send", "--config", conf.toString(), "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(74, r.code(), r::toString);
  }

  @Test void unknownTransportIs78AndNamesTheChoices() throws IOException {
    Files.writeString(conf, "herald.profiles.bad { transport = pigeon }\n");
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "bad", "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("unknown transport 'pigeon'"), r::toString);
    assertTrue(r.err().contains("fake") && r.err().contains("file"), r::toString);
  }

  @Test void unknownProfileIs78AndNamesTheChoices() {
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "nope", "--set", "port=1",
        "--to", "b@example.net", "--subject", "s", "--text", "t");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("box, fake, inline, outbox, secret"), r::toString);
  }

  @Test void brokenConfigSyntaxIs78() throws IOException {
    Files.writeString(conf, "herald { profiles { x { \n");
    assertEquals(78, cli.run("profiles", "--config", conf.toString()).code());
  }

  // ---- the other commands

  @Test void profilesMarksTheDefault() {
    Result r = cli.run("profiles", "--config", conf.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("* box "), r::toString);
    assertTrue(r.out().contains("  fake "), r::toString);
    assertTrue(r.out().contains("  outbox "), r::toString);
    assertTrue(r.out().contains("presets"), r::toString);
  }

  @Test void profilesFollowsHeraldProfileFromTheEnvironment() {
    Result r = cli.env("HERALD_PROFILE", "fake").run("profiles", "--config", conf.toString());
    assertTrue(r.out().contains("* fake "), r::toString);
  }

  @Test void configRedactsSecrets() {
    Result r = cli.run("config", "--config", conf.toString(), "--profile", "fake");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("password.env = \"FAKE_PASSWORD\""), r::toString);
    assertTrue(r.out().contains("host = \"fake.example\""), r::toString);
    Result inline = cli.run("config", "--config", conf.toString(), "--profile", "inline");
    assertTrue(inline.out().contains("password = <redacted>"), inline::toString);
    assertFalse(inline.out().contains("s3cret-inline"), inline::toString);
    Result env = cli.run("config", "--config", conf.toString(), "--profile", "secret");
    assertTrue(env.out().contains("password.env = \"SOME_VAR\""), env::toString);
  }

  @Test void checkPrintsWhatTheTransportFound() {
    Result r = cli.run("check", "--config", conf.toString(), "--profile", "fake");
    assertEquals(0, r.code(), r::toString);
    assertEquals("profile: fake\nserver:  fake.example:25\ntls:     TLSv1.3 (fake)\nauth:    PLAIN as me\n", r.out());
  }

  @Test void checkOfTheOutbox() {
    Result r = cli.run("check", "--config", conf.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("transport: file"), r::toString);
  }

  @Test void versionAndHelp() {
    Result v = cli.run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("herald 0.1.0-SNAPSHOT (Java "), v::toString);
    Result h = cli.run("help", "send");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("--reply-to") && h.out().contains("--inline"), h::toString);
    Result top = cli.run("--help");
    for (String c : List.of("send", "sendmail", "check", "auth", "dev-server", "profiles", "config", "completion", "help")) {
      assertTrue(top.out().contains("  " + c + " "), c + " in " + top.out());
    }
  }

  @Test void completionScripts() {
    Result bash = cli.run("completion", "bash");
    assertEquals(0, bash.code(), bash::toString);
    assertTrue(bash.out().contains("complete -F _complete_herald"), bash.out());
    assertTrue(bash.out().contains("sendmail") && bash.out().contains("--reply-to"));
    Result zsh = cli.run("completion", "zsh");
    assertEquals(0, zsh.code());
    assertTrue(zsh.out().contains("bashcompinit"));
    assertEquals(64, cli.run("completion", "fish").code());
  }

  @Test void attachmentsAndInlinePartsReachTheMessage() throws Exception {
    Path pdf = Files.write(home.resolve("report.pdf"), new byte[] {0, 1, 2, (byte) 0xff});
    Path png = Files.write(home.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Path html = Files.writeString(home.resolve("body.html"), "<p>Hi <img src=\"cid:logo\"></p>");
    Result r = cli.run("send", "--config", conf.toString(), "--profile", "fake", "--to", "a@example.net", "--subject", "s",
        "--text", "plain", "--html-file", html.toString(), "--attach", pdf.toString(), "--inline", "logo=" + png,
        "--header", "X-Tag: nightly", "--reply-to", "r@example.net", "--priority", "high");
    assertEquals(0, r.code(), r::toString);
    String m = FakeTransportFactory.SENT.peek().text();
    for (String s : List.of("multipart/mixed", "multipart/related", "multipart/alternative", "Content-ID: <logo>",
        "X-Tag: nightly", "Reply-To: r@example.net", "X-Priority: 1")) {
      assertTrue(m.contains(s), s + " in\n" + m);
    }
    // The attachment, as a mail reader finds it: name and bytes.
    jakarta.mail.internet.MimeMultipart mixed = (jakarta.mail.internet.MimeMultipart) parse(m).getContent();
    jakarta.mail.BodyPart attached = mixed.getBodyPart(mixed.getCount() - 1);
    assertEquals("report.pdf", attached.getFileName(), m);
    assertArrayEquals(Files.readAllBytes(pdf), attached.getInputStream().readAllBytes());
  }

  private static jakarta.mail.internet.MimeMessage parse(String message) {
    try {
      return new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
          new java.io.ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  @Test void nonUtf8TextFileIs65() throws IOException {
    Path f = Files.write(home.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(65, cli.run("send", "--config", conf.toString(), "--to", "b@example.net", "--subject", "s",
        "--text-file", f.toString()).code());
  }

  @Test void stdinBytesReachTheBodyUnchanged() throws Exception {
    byte[] body = "héllo\nwörld\n".getBytes(StandardCharsets.UTF_8);
    Result r = cli.stdin(body).run("send", "--config", conf.toString(), "--profile", "fake", "--to", "a@example.net",
        "--subject", "s", "--text-file", "-");
    assertEquals(0, r.code(), r::toString);
    String m = FakeTransportFactory.SENT.peek().text();
    assertTrue(m.contains("Content-Type: text/plain; charset=UTF-8"), m);
    assertEquals("héllo\r\nwörld\r\n", parse(m).getContent());
  }

  // ---- what a new user tried ----

  @Test void aPresetOnTheBuiltInOutboxSaysWhatWasCombinedAndWhatToDo() {
    Result r = new CliRunner(home).terminal().run("send", "--set", "preset=mailpit", "--to", "a@example.com",
        "--subject", "x", "--text", "y");
    assertEquals(78, r.code(), r::toString);
    assertTrue(r.err().contains("profile 'outbox' uses transport file (built in), but preset 'mailpit' (--set preset)"
        + " is made for transport smtp"), r::toString);
    assertTrue(r.err().contains("herald: hint: give the preset a profile of its own: --set herald.profiles.mailpit.preset=mailpit"
        + " --profile mailpit"), r::toString);
    assertFalse(r.err().contains("jar:") || r.err().contains(".conf @"), "no line inside a jar: " + r);
    assertEquals(2, r.err().lines().count(), r::toString);
    Result hinted = new CliRunner(home).terminal().run("config", "--set", "herald.profiles.mailpit.preset=mailpit",
        "--profile", "mailpit");
    assertEquals(0, hinted.code(), hinted::toString);
    assertTrue(hinted.out().contains("port = 1025"), hinted::toString);
  }

  @Test void profilesShowWhatEachPresetEffectivelyMeans() {
    Result r = new CliRunner(home).terminal().run("profiles");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("  gmail-implicit    smtp.gmail.com:465 tls=implicit  (preset gmail)"), r::toString);
    assertTrue(r.out().contains("  mailhog           localhost:1025 tls=none  (preset mailpit)"), r::toString);
    assertTrue(r.out().contains("  outlook-personal  smtp-mail.outlook.com:587 tls=starttls  (preset outlook)"), r::toString);
  }

  @Test void bashCompletesProfilesFromTheConfigAndPriorityInLowerCase() throws Exception {
    Result names = cli.run("profiles", "--config", conf.toString(), "--names");
    assertEquals(0, names.code(), names::toString);
    assertEquals("box\nfake\ninline\noutbox\nsecret\n", names.out());
    Path script = Files.writeString(home.resolve("herald.bash"), cli.run("completion", "bash").out());
    Path namesFile = Files.writeString(home.resolve("names.txt"), names.out());
    Path bash = Path.of("/bin/bash");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bash), "needs bash");
    // herald itself is stood in for by a function that prints what 'herald profiles --names' printed above
    String test = "source '" + script + "'\n"
        + "herald() { if [ \"$1 $2\" = 'profiles --names' ]; then cat '" + namesFile + "'; fi; }\n"
        + "words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
        + " COMPREPLY=(); _complete_herald; printf '%s ' \"${COMPREPLY[@]}\"; echo; }\n"
        + "words herald send --profile ''\n"
        + "words herald config --profile f\n"
        + "words herald send --priority ''\n";
    Process p = new ProcessBuilder(bash.toString(), "-c", test).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(List.of("box fake inline outbox secret ", "fake ", "high normal low "), out.lines().toList(), out);
  }
}

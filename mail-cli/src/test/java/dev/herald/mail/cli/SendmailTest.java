package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.cli.testing.CliRunner;
import dev.herald.mail.cli.testing.CliRunner.Result;
import dev.herald.mail.cli.testing.FakeTransportFactory;
import dev.herald.mail.cli.testing.FakeTransportFactory.Sent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald sendmail} in-process, with the test-only fake transport recording the envelope and bytes. */
class SendmailTest {
  @TempDir Path home;
  Path conf;

  @BeforeEach void setUp() throws IOException {
    conf = Files.writeString(home.resolve("herald.conf"), """
        herald.profile = fake
        herald.profiles.fake { transport = fake }
        herald.profiles.withfrom { transport = fake, from = "Profile <profile@example.org>" }
        """);
    FakeTransportFactory.SENT.clear();
  }

  private Result sendmail(String stdin, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("sendmail", "--config", conf.toString()));
    all.addAll(List.of(args));
    return new CliRunner(home).stdin(stdin).run(all.toArray(String[]::new));
  }

  private Sent sent() { return FakeTransportFactory.SENT.peek(); }

  @Test void dashTTakesToCcBccAndStripsBcc() {
    Result r = sendmail("From: Ann <ann@example.com>\nTo: a@example.com, \"Doe, J\" <j@example.com>\nCc: c@example.com\n"
        + "Bcc: hidden@example.com,\n  also-hidden@example.com\nSubject: hi\n\nbody\n", "-t", "-i");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out() + r.err(), "silent on success");
    assertEquals(List.of("a@example.com", "j@example.com", "c@example.com", "hidden@example.com", "also-hidden@example.com"),
        sent().envelope().recipients());
    assertEquals("ann@example.com", sent().envelope().sender());
    String text = sent().text();
    assertFalse(text.toLowerCase().contains("bcc") || text.contains("hidden"), text);
    assertTrue(text.contains("To: a@example.com, \"Doe, J\" <j@example.com>\r\nCc: c@example.com\r\nSubject: hi\r\n\r\nbody\r\n"), text);
    assertTrue(text.matches("(?s)Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
        + "Message-ID: <[^>]+@example\\.com>\r\nFrom: Ann.*"), text);
  }

  @Test void existingDateAndMessageIdAreKept() {
    Result r = sendmail("From: a@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <x@y.example>\nTo: b@example.com\n\nhi\n", "-t");
    assertEquals(0, r.code(), r::toString);
    assertTrue(sent().text().startsWith("From: a@example.com\r\nDate: Mon, 1 Jan 2024"), sent().text());
  }

  @Test void recipientsFromArgumentsAndSenderFromDashF() {
    Result r = sendmail("Subject: x\n\nbody\n", "-oi", "-odi", "-oem", "-fbounce@example.org", "-F", "Bounce Handler",
        "-N", "never", "-Bbm", "x@example.net,y@example.net", "z@example.net");
    assertEquals(0, r.code(), r::toString);
    assertEquals("bounce@example.org", sent().envelope().sender());
    assertEquals(List.of("x@example.net", "y@example.net", "z@example.net"), sent().envelope().recipients());
    assertTrue(sent().text().startsWith("From: Bounce Handler <bounce@example.org>\r\n"), sent().text());
  }

  @Test void profileFromBeatsTheFromHeaderForTheEnvelope() {
    Result r = sendmail("From: header@example.com\nTo: b@example.com\n\nhi\n", "-t", "--profile", "withfrom");
    assertEquals(0, r.code(), r::toString);
    assertEquals("profile@example.org", sent().envelope().sender());
    assertTrue(sent().text().contains("From: header@example.com\r\n"), "the header is left alone");
  }

  @Test void cronsInvocation() {
    // cronie: sendmail -FCronDaemon -i -B8BITMIME -oem -oi -t -f USER (a bare user name, no domain)
    Result r = sendmail("From: root (Cron Daemon)\nTo: ops@example.com\nSubject: Cron <root@host> backup\n\nfailed\n",
        "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "-oi", "-t", "-f", "root", "--profile", "withfrom");
    assertEquals(0, r.code(), r::toString);
    assertEquals("profile@example.org", sent().envelope().sender());
    assertEquals(List.of("ops@example.com"), sent().envelope().recipients());
  }

  @Test void gitSendEmailsInvocation() {
    // git send-email --sendmail-cmd='herald sendmail': sendmail -i RECIPIENT… < patch
    Result r = sendmail("From: Dev <dev@example.org>\nTo: list@example.org\nCc: maint@example.org\nSubject: [PATCH] fix\n"
        + "Message-ID: <20240101.1@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n---\n diff\n", "-i",
        "list@example.org", "maint@example.org");
    assertEquals(0, r.code(), r::toString);
    assertEquals("dev@example.org", sent().envelope().sender());
    assertTrue(sent().text().startsWith("From: Dev <dev@example.org>\r\n"), "nothing added: " + sent().text());
  }

  @Test void nullSender() {
    assertEquals(0, sendmail("Subject: bounce\n\nx\n", "-f", "<>", "a@example.com").code());
    assertEquals("", sent().envelope().sender());
  }

  @Test void groupsAndCommentsInHeaders() {
    Result r = sendmail("From: a@example.com\nTo: undisclosed-recipients:;\nCc: team: x@example.com (X), y@example.com;, z@example.com\n\nhi\n", "-t");
    assertEquals(0, r.code(), r::toString);
    assertEquals(List.of("x@example.com", "y@example.com", "z@example.com"), sent().envelope().recipients());
  }

  @Test void verboseFlagPrintsTheSuccessLineOnStderr() {
    Result r = sendmail("From: a@example.com\n\nhi\n", "-v", "b@example.com");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().startsWith("sent <"), r::toString);
  }

  @Test void noRecipientsIs64() {
    Result r = sendmail("From: a@example.com\nSubject: x\n\nhi\n");
    assertEquals(64, r.code(), r::toString);
    assertTrue(r.err().contains("no recipients"), r::toString);
    assertEquals(64, sendmail("From: a@example.com\n\nhi\n", "-t").code());
  }

  @Test void unsupportedModesAre64() {
    assertEquals(64, sendmail("", "-bs").code());
    assertEquals(64, sendmail("", "-bp").code());
    assertEquals(64, sendmail("", "-q").code());
    assertEquals(64, sendmail("x", "--no-such").code());
  }

  @Test void badAddressesAndEmptyInputAre65() {
    assertEquals(65, sendmail("From: a@example.com\nTo: not an address\n\nhi\n", "-t").code());
    assertEquals(65, sendmail("", "a@example.com").code());
    assertEquals(65, sendmail("Subject: x\n\nhi\n", "a@example.com").code(), "no sender anywhere");
  }

  @Test void failuresMapLikeSend() {
    assertEquals(77, sendmail("From: a@example.com\n\nhi\n", "--set", "fail=auth", "b@example.com").code());
    assertEquals(75, sendmail("From: a@example.com\n\nhi\n", "--set", "fail=tempfail", "b@example.com").code());
    assertEquals(67, sendmail("From: a@example.com\n\nhi\n", "--set", "reject=[b@example.com]", "b@example.com").code());
  }

  @Test void helpDoesNotNeedStdin() {
    Result r = new CliRunner(home).run("sendmail", "--help");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("-t") && r.out().contains("git send-email"), r::toString);
    // Debian's cron runs /usr/sbin/sendmail by its absolute path: a link in ~/bin is never found
    assertTrue(r.out().contains("ln -s \"$PWD/bin/herald\" /usr/sbin/sendmail") && !r.out().contains("~/bin/sendmail"), r::toString);
    assertTrue(r.out().contains("aliases") && r.out().contains("local-domain"), r::toString);
  }

  // ---- bare user names (cron, at, mail(1)) ----

  @Test void cronsBareUserNameWithLocalDomain() {
    // Debian's cron: sendmail -FCronDaemon -i -B8BITMIME -oem USER, the message's To: is the bare name too
    Result r = sendmail("From: root (Cron Daemon)\nTo: user\nSubject: Cron <user@host> job\n\nout\n",
        "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "user", "--profile", "withfrom", "--set", "local-domain=example.org");
    assertEquals(0, r.code(), r::toString);
    assertEquals(List.of("user@example.org"), sent().envelope().recipients());
    assertTrue(sent().text().contains("To: user\r\n"), "the header is left as written");
  }

  @Test void bareNameWithoutAliasesOrLocalDomainNamesBothSettings() {
    Result r = sendmail("Subject: x\n\nout\n", "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "user", "--profile", "withfrom");
    assertEquals(65, r.code(), r::toString);
    assertTrue(r.err().contains("'user' is a local user name") && r.err().contains("local-domain")
        && r.err().contains("aliases"), r::toString);
    assertTrue(r.err().lines().count() <= 2, r::toString);
    assertTrue(FakeTransportFactory.SENT.isEmpty(), "nothing sent");
  }

  @Test void aliasesFileResolvesNamesRecursivelyWithDefaultAndContinuations() throws IOException {
    Path aliases = Files.writeString(home.resolve("aliases"), """
        # /etc/aliases
        postmaster:    root
        MAILER-DAEMON: postmaster
        root: admin@example.org,   # the admin
          backup@example.org
        	third@example.org
        team: "Ops, Team" <ops@example.org>, root
        loop: loop
        default: catchall@example.org
        """);
    String set = "aliases=" + aliases;
    assertEquals(0, sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", set, "mailer-daemon").code());
    assertEquals(List.of("admin@example.org", "backup@example.org", "third@example.org"), sent().envelope().recipients());
    FakeTransportFactory.SENT.clear();
    Result r = sendmail("To: team, nobody-listed\nSubject: x\n\nhi\n", "-t", "--profile", "withfrom", "--set", set);
    assertEquals(0, r.code(), r::toString);
    assertEquals(List.of("ops@example.org", "admin@example.org", "backup@example.org", "third@example.org",
        "catchall@example.org"), sent().envelope().recipients());
    FakeTransportFactory.SENT.clear();
    Result loop = sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", set, "--set", "local-domain=example.net", "loop");
    assertEquals(0, loop.code(), loop::toString);
    assertEquals(List.of("loop@example.net"), sent().envelope().recipients(), "a name that maps to itself is the local user");
  }

  @Test void aliasesWithoutDefaultFallBackToLocalDomainThenError() throws IOException {
    Path aliases = Files.writeString(home.resolve("aliases"), "root: admin@example.org\nnobody: /dev/null\n");
    assertEquals(0, sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", "aliases=" + aliases,
        "--set", "local-domain=example.net", "root", "ann").code());
    assertEquals(List.of("admin@example.org", "ann@example.net"), sent().envelope().recipients());
    Result r = sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", "aliases=" + aliases, "ann");
    assertEquals(65, r.code(), r::toString);
    assertTrue(r.err().contains("no alias for it in " + aliases) && r.err().contains("local-domain"), r::toString);
    Result file = sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", "aliases=" + aliases, "nobody");
    assertEquals(65, file.code(), file::toString);
    assertTrue(file.err().contains("/dev/null"), file::toString);
    Result missing = sendmail("Subject: x\n\nhi\n", "--profile", "withfrom", "--set", "aliases=" + home.resolve("none"), "ann");
    assertEquals(66, missing.code(), missing::toString);
  }

  @Test void localRecipientKeysAreValidatedAndShownByConfig() {
    Result bad = new CliRunner(home).run("config", "--config", conf.toString(), "--set", "local-domain=not a domain");
    assertEquals(78, bad.code(), bad::toString);
    assertTrue(bad.err().contains("local-domain"), bad::toString);
    Result ok = new CliRunner(home).run("config", "--config", conf.toString(), "--set", "local-domain=example.org",
        "--set", "aliases=/etc/aliases");
    assertEquals(0, ok.code(), ok::toString);
    assertTrue(ok.out().contains("local-domain = \"example.org\"") && ok.out().contains("aliases = \"/etc/aliases\""), ok::toString);
  }

  @Test void addedFromKeepsTheProfilesDisplayName() {
    Result r = sendmail("To: b@example.com\nSubject: x\n\nhi\n", "-t", "--profile", "withfrom");
    assertEquals(0, r.code(), r::toString);
    assertTrue(sent().text().contains("From: Profile <profile@example.org>\r\n"), sent().text());
    FakeTransportFactory.SENT.clear();
    sendmail("To: b@example.com\nSubject: x\n\nhi\n", "-t", "--profile", "withfrom", "-F", "Cron Daemon");
    assertTrue(sent().text().contains("From: Cron Daemon <profile@example.org>\r\n"), sent().text());
  }

  // ---- warnings ----

  @Test void aWarningPrintsOncePerRunAndConfigCanSilenceIt() throws IOException {
    Files.writeString(conf, """
        herald.profile = inline
        herald.profiles.inline { transport = fake, from = "a@example.org", username = u, password = "s3cret" }
        """);
    Result r = sendmail("Subject: x\n\nhi\n", "b@example.com");
    assertEquals(0, r.code(), r::toString);
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("herald: warning:")).count(), r::toString);
    assertTrue(r.err().contains("inline") && !r.err().contains("s3cret"), r::toString);
    Files.writeString(conf, "herald.warnings = off\n", java.nio.file.StandardOpenOption.APPEND);
    Result quiet = sendmail("Subject: x\n\nhi\n", "b@example.com");
    assertEquals(0, quiet.code(), quiet::toString);
    assertEquals("", quiet.err(), quiet::toString);
    Result rejected = sendmail("Subject: x\n\nhi\n", "--set", "reject=[c@example.com]", "b@example.com", "c@example.com");
    assertEquals(0, rejected.code(), rejected::toString);
    assertTrue(rejected.err().contains("c@example.com rejected"), "a refused recipient is a result, not a warning: " + rejected);
    Result bad = sendmail("Subject: x\n\nhi\n", "--set", "herald.warnings=sometimes", "b@example.com");
    assertEquals(78, bad.code(), bad::toString);
    assertTrue(bad.err().contains("herald.warnings"), bad::toString);
  }
}

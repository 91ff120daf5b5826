package dev.herald.mail.merge;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Mailer;
import dev.herald.mail.Stage;
import dev.herald.mail.merge.RowOutcome.Status;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MailMerge against a real SMTP peer (MockSmtpServer on loopback): each row exactly once, fields right, bad rows reported. */
class MailMergeIT {
  static final String TEMPLATE = """
      From: Registrar <registrar@example.org>
      To: {{name}} <{{email}}>
      Subject: Your grade, {{name}}
      X-Row: {{id}}

      Dear {{name}},

      your grade is {{grade}} ({{note}}).
      """;

  @TempDir Path dir;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private MockSmtpServer server() {
    MockSmtpServer s = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start();
    closing.add(s);
    return s;
  }

  private Mailer mailer(MockSmtpServer s) {
    Mailer m = Mailer.fromProfile(s.profile());
    closing.add(m);
    return m;
  }

  static String name(int i) {
    return switch (i % 4) {
      case 0 -> "Dvořák, Antonín " + i;
      case 1 -> "Zoë \"Z\" Ünal " + i;
      case 2 -> "李小龍 " + i;
      default -> "Plain Name " + i;
    };
  }

  /** A CSV with a BOM, quoted fields with commas, quotes and line breaks in a body field, UTF-8 names. */
  static Path csv(Path dir, int rows, Map<Integer, String> emailOverrides) throws Exception {
    StringBuilder b = new StringBuilder("\uFEFFid,email,name,grade,note\r\n");
    for (int i = 1; i <= rows; i++) {
      String email = emailOverrides.getOrDefault(i, "student" + i + "@example.net");
      b.append(i).append(',').append(email).append(',').append(quote(name(i))).append(',').append(i % 6 + 1).append(',')
          .append(quote("well done, " + i + "\nsee you")).append("\r\n");
    }
    Path p = dir.resolve("grades.csv");
    Files.writeString(p, b, StandardCharsets.UTF_8);
    return p;
  }

  static String quote(String s) { return "\"" + s.replace("\"", "\"\"") + "\""; }

  private Path template(String text) throws Exception {
    Path p = dir.resolve("grade.txt");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private MailMerge.Builder merge(Path template, Path data, Mailer mailer) {
    return MailMerge.builder(template, data).mailer(mailer).stateDirectory(dir.resolve("state")).threads(2);
  }

  @Test void aThousandRowsArriveEachExactlyOnceWithTheirFieldsAndARerunSendsNothing() throws Exception {
    MockSmtpServer server = server();
    Path data = csv(dir, 1000, Map.of());
    List<Progress> seen = new ArrayList<>();
    MailMerge.Result r = merge(template(TEMPLATE), data, mailer(server)).listener(p -> {
      synchronized (seen) {
        seen.add(p);
      }
    }).build().send();
    assertEquals(1000, r.count(Status.SENT), r.outcomes().stream().filter(o -> o.status() != Status.SENT).toList().toString());
    List<RecordedMessage> got = server.messages();
    assertEquals(1000, got.size());
    Map<String, Integer> byId = new HashMap<>();
    for (RecordedMessage m : got) {
      int row = Integer.parseInt(m.header("X-Row").orElseThrow());
      assertEquals("<" + r.batchId() + "." + row + ".batch@example.org>", m.header("Message-ID").orElseThrow());
      byId.merge(m.header("Message-ID").orElseThrow(), 1, Integer::sum);
      assertEquals(List.of("student" + row + "@example.net"), m.envelope().recipients());
      assertEquals("Your grade, " + name(row), m.subject());
      String text = m.text().orElseThrow().replace("\r\n", "\n");
      assertTrue(text.contains("Dear " + name(row) + ",\n"), text);
      assertTrue(text.contains("your grade is " + (row % 6 + 1) + " (well done, " + row + "\nsee you)."), text);
      assertEquals(name(row), ((jakarta.mail.internet.InternetAddress) m.mime().getRecipients(jakarta.mail.Message.RecipientType.TO)[0])
          .getPersonal());
    }
    assertEquals(1000, byId.size());
    assertTrue(byId.values().stream().allMatch(n -> n == 1));
    Progress last = seen.get(seen.size() - 1);
    assertEquals(1000, last.sent());
    assertEquals(0, last.remaining());

    MailMerge.Result again = merge(template(TEMPLATE), data, mailer(server)).build().send();
    assertEquals(1000, again.count(Status.SENT));
    Thread.sleep(200);
    assertEquals(1000, server.messages().size(), "the rerun sent nothing");
  }

  @Test void aRowWithABadAddressIsListedByTheDryRunAndSkippedBySendWhileTheOthersGo() throws Exception {
    MockSmtpServer server = server();
    Path data = csv(dir, 5, Map.of(3, "not-an-address"));
    MailMerge.Builder b = merge(template(TEMPLATE), data, mailer(server));
    MailMerge.Preview p = b.build().check();
    assertEquals(5, p.rows());
    assertEquals(4, p.ready().size());
    assertEquals(1, p.errors().size());
    RowError e = p.errors().get(0);
    assertEquals(3, e.row());
    assertEquals(RowError.Kind.DATA, e.kind());
    assertTrue(e.message().contains("not-an-address"), e.message());
    assertEquals(0, server.messages().size(), "a dry run sends nothing");

    MailMerge.Result r = b.build().send();
    assertEquals(4, r.count(Status.SENT));
    RowOutcome skipped = r.outcomes().get(2);
    assertEquals(3, skipped.row());
    assertEquals(Status.SKIPPED, skipped.status());
    assertTrue(skipped.reply().contains("not-an-address"), skipped.reply());
    assertEquals(4, server.messages().size());
    assertTrue(server.messages().stream().noneMatch(m -> m.header("X-Row").orElseThrow().equals("3")));
  }

  @Test void anAttachmentThatDoesNotExistFailsTheDryRunNamingTheRowAndTheFile() throws Exception {
    Files.createDirectories(dir.resolve("reports"));
    for (int i : new int[] {1, 2, 4}) Files.writeString(dir.resolve("reports").resolve(i + ".pdf"), "%PDF-1.4 report " + i);
    Path data = csv(dir, 4, Map.of());
    Path template = template(TEMPLATE.replace("X-Row: {{id}}\n", "X-Row: {{id}}\nAttach: reports/{{id}}.pdf\n"));
    MailMerge.Preview p = MailMerge.builder(template, data).build().check();
    assertEquals(1, p.errors().size());
    assertEquals(3, p.errors().get(0).row());
    assertEquals(RowError.Kind.NO_INPUT, p.errors().get(0).kind());
    assertTrue(p.errors().get(0).message().contains("reports/3.pdf"), p.errors().get(0).message());
  }

  @Test void aMissingFieldAndALineBreakInAHeaderAreErrorsNamingTheRow() throws Exception {
    Path data = dir.resolve("people.jsonl");
    Files.writeString(data, """
        {"email": "a@example.net", "name": "Ann", "id": 1, "grade": 5, "note": "ok"}
        {"email": "b@example.net", "id": 2, "grade": 4, "note": "ok"}
        {"email": "c@example.net", "name": "Cy\\r\\nBcc: victim@example.com", "id": 3, "grade": 3, "note": "ok"}
        {"email": "d@example.net", "name": null, "id": 4, "grade": 3, "note": "ok"}
        """);
    MailMerge.Preview p = MailMerge.builder(template(TEMPLATE), data).build().check();
    assertEquals(List.of(2, 3, 4), p.errors().stream().map(RowError::row).toList());
    assertTrue(p.errors().get(0).message().contains("no field 'name'"), p.errors().get(0).message());
    assertTrue(p.errors().get(1).message().toLowerCase().contains("line break"), p.errors().get(1).message());
    assertTrue(p.errors().get(2).message().contains("no field 'name'"), "null counts as missing");
  }

  @Test void aRowAnOperatorRemovedFromTheQueueIsReportedRemovedNotSentOnTheNextRun() throws Exception {
    MockSmtpServer first = server();
    first.script(at(Stage.RCPT).forRecipient("student2@example.net").reply(451, "4.7.1 try again later"));
    Path data = csv(dir, 3, Map.of());
    dev.herald.mail.queue.SpoolOutbox spool = dev.herald.mail.queue.SpoolOutbox.open("q", dir.resolve("q"),
        java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC());
    MailMerge.Result r1 = merge(template(TEMPLATE), data, mailer(first)).outbox(spool).build().send();
    assertEquals(Status.DEFERRED, r1.outcomes().get(1).status());
    String deferred = spool.list().get(0).id();
    assertTrue(spool.remove(deferred)); // herald queue remove
    MockSmtpServer second = server();
    MailMerge.Result r2 = merge(template(TEMPLATE), data, mailer(second)).outbox(spool).build().send();
    RowOutcome removed = r2.outcomes().get(1);
    assertEquals(Status.SKIPPED, removed.status(), removed.toString());
    assertTrue(removed.reply().contains("removed"), removed.reply());
    assertEquals(2, r2.count(Status.SENT));
    assertEquals(0, second.messages().size(), "nothing sent again");
  }

  @Test void rowsGoStraightToTheServerAndOnlyARowAnAttemptDidNotDeliverIsStoredThenTheNextRunDeliversItOnce() throws Exception {
    MockSmtpServer first = server();
    first.script(at(Stage.RCPT).forRecipient("student2@example.net").reply(451, "4.7.1 try again later"));
    Path data = csv(dir, 5, Map.of());
    MailMerge m1 = merge(template(TEMPLATE), data, mailer(first)).build();
    MailMerge.Result r1 = m1.send();
    assertEquals(4, r1.count(Status.SENT));
    assertEquals(Status.DEFERRED, r1.outcomes().get(1).status());
    Path spoolDir = m1.directory().resolve("spool");
    // A delivered row costs the spool no file (no entry, no key): that is what lets a batch keep up with a plain loop.
    try (var keys = Files.list(spoolDir.resolve("keys"))) {
      assertEquals(List.of("herald-batch-" + m1.batchId() + "-2"), keys.map(p -> p.getFileName().toString()).toList());
    }
    try (dev.herald.mail.queue.SpoolOutbox spool = dev.herald.mail.queue.SpoolOutbox.open(spoolDir)) {
      List<dev.herald.mail.queue.QueuedMessage> stored = spool.list();
      assertEquals(1, stored.size(), stored.toString());
      assertEquals(dev.herald.mail.queue.QueuedMessage.State.DEFERRED, stored.get(0).state());
      assertEquals(1, stored.get(0).attempts(), "the attempt made before it was stored counts");
      assertEquals(List.of("student2@example.net"), stored.get(0).pending());
    }
    MockSmtpServer second = server();
    MailMerge.Result r2 = merge(template(TEMPLATE), data, mailer(second)).build().send();
    assertEquals(5, r2.count(Status.SENT));
    assertEquals(1, second.messages().size(), "only the deferred row is sent again");
    assertEquals(List.of("student2@example.net"), second.messages().get(0).envelope().recipients());
    assertEquals(4, first.messages().size());
  }

  @Test void aRecipientTheServerRefusesIsReportedWithTheReplyAndTheOthersGo() throws Exception {
    MockSmtpServer server = server();
    server.script(at(Stage.RCPT).forRecipient("student2@example.net").reply(550, "5.1.1 No such user"));
    Path data = csv(dir, 3, Map.of());
    MailMerge.Result r = merge(template(TEMPLATE), data, mailer(server)).build().send();
    assertEquals(2, r.count(Status.SENT));
    RowOutcome refused = r.outcomes().get(1);
    assertEquals(Status.REFUSED, refused.status());
    assertTrue(refused.reply().contains("550") && refused.reply().contains("No such user"), refused.reply());
    assertTrue(r.outcomes().get(0).reply().startsWith("250"), r.outcomes().get(0).reply());
  }

  @Test void stoppedHalfWayTheNextRunSendsTheRestAndNothingTwice() throws Exception {
    MockSmtpServer server = server();
    Path data = csv(dir, 200, Map.of());
    AtomicReference<MailMerge> self = new AtomicReference<>();
    MailMerge first = merge(template(TEMPLATE), data, mailer(server)).listener(p -> {
      if (p.sent() >= 60) self.get().stop();
    }).build();
    self.set(first);
    MailMerge.Result r1 = first.send();
    assertTrue(r1.interrupted());
    long sent1 = r1.count(Status.SENT);
    assertTrue(sent1 >= 60 && sent1 < 200, "stopped half-way: " + sent1);
    assertEquals(sent1, server.messages().size(), "what was sent is recorded as sent");
    MailMerge.Result r2 = merge(template(TEMPLATE), data, mailer(server)).build().send();
    assertEquals(200, r2.count(Status.SENT));
    Map<String, Integer> byId = new HashMap<>();
    for (RecordedMessage m : server.messages()) byId.merge(m.header("Message-ID").orElseThrow(), 1, Integer::sum);
    assertEquals(200, byId.size());
    assertTrue(byId.values().stream().allMatch(n -> n == 1), byId.toString());
  }

  @Test void aRowThatChangedSinceItWasQueuedStopsTheRunBeforeAnythingIsSent() throws Exception {
    MockSmtpServer server = server();
    Path data = csv(dir, 3, Map.of());
    merge(template(TEMPLATE), data, mailer(server)).build().send();
    csv(dir, 3, Map.of(2, "someone.else@example.net"));
    Files.writeString(data, Files.readString(data) + "4,new@example.net,New,1,fine\r\n");
    InvalidMessageException e = assertThrows(InvalidMessageException.class,
        () -> merge(template(TEMPLATE), data, mailer(server)).build().send());
    assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    assertEquals(3, server.messages().size());
  }
}

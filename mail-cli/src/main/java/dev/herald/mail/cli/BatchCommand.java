package dev.herald.mail.cli;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.Mailer;
import dev.herald.mail.Profile;
import dev.herald.mail.merge.MailMerge;
import dev.herald.mail.merge.RowError;
import dev.herald.mail.merge.RowOutcome;
import dev.herald.mail.merge.RowOutcome.Status;
import dev.herald.mail.queue.Outbox;
import dev.herald.mail.queue.RetrySchedule;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.TraceListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herald batch TEMPLATE DATA}: a mail merge ({@link MailMerge}). A dry run unless {@code --send};
 * with it, every good row is queued under a key of the batch and the row, then delivered; a rerun of the
 * same batch sends only what is left.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = {"Mail merge: one message per row of DATA (CSV with a header row, or JSON lines), from TEMPLATE"
        + " (headers such as To: {{email}}, Subject: …, Attach: FILE, Html: FILE; a blank line; the body).",
        "A dry run by default: renders every row, checks every address and attachment, prints the first message"
            + " and a summary; nothing is sent. --send queues every good row and delivers them; running it again"
            + " sends nothing twice and resumes where a stopped run left off."},
    footer = {"", "Exit codes: 0 every row sent (or ready, in a dry run); 65 a row with bad data (listed; skipped by --send);"
        + " 66 a file a row names is missing; 67 the server refused a row; 75 rows deferred or not yet sent (run it again).",
        "", "Examples (in a checkout's examples/batch; add --profile NAME to really send):",
        "  herald batch invite.txt guests.csv                       # dry run",
        "  herald batch invite.txt guests.csv --send --report out.csv",
        "  herald batch invite.txt guests.csv --send --limit 2"})
final class BatchCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "TEMPLATE", description = "The template file.") Path template;
  @Parameters(index = "1", paramLabel = "DATA", description = "The rows: FILE.csv (a header row) or FILE.jsonl.") Path data;
  @Mixin ProfileOptions profileOptions;
  @Mixin CommonOptions common;
  @Option(names = "--send", description = "Queue and deliver (default: a dry run that sends nothing).") boolean send;
  @Option(names = "--limit", paramLabel = "N", description = "Only the first N rows.") Integer limit;
  @Option(names = "--rate", paramLabel = "RATE", description = "At most this many messages, e.g. 10/s, 100/min"
      + " (overrides the profile's rate-limit).") String rate;
  @Option(names = "--report", paramLabel = "FILE", description = "Write each row's outcome as CSV: row, recipient,"
      + " message_id, status, reply.") Path report;
  @Option(names = "--batch", paramLabel = "NAME", description = "Name the batch (default: made from the paths of"
      + " TEMPLATE and DATA, so a rerun is the same batch).") String batchName;
  @Option(names = "--progress", paramLabel = "MODE", description = "auto (a bar on a terminal, else a line per 100"
      + " messages), bar, lines or none.") String progress = "auto";

  BatchCommand(CliContext ctx) { this.ctx = ctx; }

  @Override public Integer call() throws Exception {
    if (limit != null && limit < 1) throw new UsageException("--limit must be at least 1");
    if (rate != null && !rate.matches("\\d+/(s|second|min|minute|h|hour)")) {
      throw new UsageException("--rate " + rate + ": expected N/s, N/min or N/h");
    }
    BatchProgress.Mode mode = mode();
    Wiring wiring = Wiring.load(ctx, profileOptions);
    if (rate != null) {
      if (!wiring.profile().settings().hasPath("rate-limit")) {
        throw new UsageException("--rate: profile '" + wiring.profile().name() + "' has no rate limit to override (its transport"
            + " is not smtp); leave --rate out, or choose a profile that sends with --profile");
      }
      profileOptions.sets.add("rate-limit=" + rate);
      wiring = Wiring.load(ctx, profileOptions);
    }
    Profile profile = wiring.profile();
    try (Mailer mailer = wiring.mailer(profile, TraceListener.NONE)) {
      Outbox outbox = null;
      if (mailer.queue().isPresent()) {
        MessageQueue q = mailer.queue().get();
        if (!(q instanceof Outbox o)) throw new InvalidConfigException("queue " + q.describe() + " of profile '" + profile.name()
            + "' cannot keep a batch's keys; remove queue from the profile (a batch then has a spool of its own)");
        outbox = o;
      }
      int threads = profile.settings().hasPath("max-connections") ? Math.max(1, profile.settings().getInt("max-connections")) : 1;
      BatchProgress bar = new BatchProgress(ctx.err(), ctx.quiet() ? BatchProgress.Mode.NONE : mode, 100);
      MailMerge merge;
      try {
        merge = MailMerge.builder(template, data).mailer(mailer).outbox(outbox).batchId(batchName)
            .stateDirectory(MailMerge.defaultStateDirectory(ctx.env())).limit(limit == null ? 0 : limit).threads(threads)
            .schedule(RetrySchedule.of(profile.settings(), wiring.config().root())).listener(send ? bar : null).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException("--batch " + e.getMessage());
      }
      return send ? send(merge, bar, profile, outbox) : dryRun(merge, profile);
    }
  }

  private BatchProgress.Mode mode() {
    switch (progress) {
      case "bar": return BatchProgress.Mode.BAR;
      case "lines": return BatchProgress.Mode.LINES;
      case "none": return BatchProgress.Mode.NONE;
      case "auto": break;
      default: throw new UsageException("--progress " + progress + ": expected auto, bar, lines or none");
    }
    String tty = System.getProperty("herald.stderr.tty");
    boolean terminal = tty != null ? tty.equals("1") : System.console() != null;
    boolean dumb = "dumb".equals(ctx.env().get("TERM"));
    return terminal && !dumb ? BatchProgress.Mode.BAR : BatchProgress.Mode.LINES;
  }

  private int dryRun(MailMerge merge, Profile profile) {
    MailMerge.Preview p = merge.check();
    PrintStream out = ctx.out();
    p.first().ifPresent(r -> {
      out.println("--- row " + r.row().number() + " (the first message; rendered, not sent) ---");
      out.print(preview(r.email()));
      out.println("---");
    });
    int code = code(p.errors(), List.of());
    for (RowError e : p.errors()) ctx.err().println("herald: " + e);
    out.println(p.rows() + " row(s): " + p.ready().size() + " ready, " + p.errors().size() + " with problems. Dry run:"
        + " nothing was sent. Batch " + p.batchId() + "; 'herald batch " + template + " " + data + " --send"
        + (profile.name().equals("outbox") ? "" : " --profile " + profile.name()) + "' sends "
        + (p.errors().isEmpty() ? "them." : "the ready ones and skips the others."));
    return code;
  }

  /** The message as a person reads it: headers, what is attached, the text. */
  static String preview(dev.herald.mail.Email e) {
    StringBuilder b = new StringBuilder();
    e.from().ifPresent(a -> b.append("From: ").append(a).append('\n'));
    if (!e.to().isEmpty()) b.append("To: ").append(join(e.to())).append('\n');
    if (!e.cc().isEmpty()) b.append("Cc: ").append(join(e.cc())).append('\n');
    if (!e.bcc().isEmpty()) b.append("Bcc: ").append(join(e.bcc())).append('\n');
    if (!e.replyTo().isEmpty()) b.append("Reply-To: ").append(join(e.replyTo())).append('\n');
    b.append("Subject: ").append(e.subject()).append('\n');
    e.messageId().ifPresent(id -> b.append("Message-ID: ").append(id).append('\n'));
    e.headers().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    for (dev.herald.mail.Attachment a : e.attachments()) b.append("Attach: ").append(a.fileName()).append('\n');
    e.html().ifPresent(h -> b.append("Html: ").append(h.length()).append(" characters\n"));
    b.append('\n').append(e.text().orElse(""));
    if (b.charAt(b.length() - 1) != '\n') b.append('\n');
    return b.toString();
  }

  private static String join(List<dev.herald.mail.Address> as) {
    return String.join(", ", as.stream().map(Object::toString).toList());
  }

  private int send(MailMerge merge, BatchProgress bar, Profile profile, Outbox outbox) throws IOException {
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: stop taking rows, let the messages in hand finish and be recorded, print the summary, then exit.
    Thread hook = new Thread(() -> {
      merge.stop();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "herald-batch-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      MailMerge.Result r;
      try {
        r = merge.send();
      } catch (IllegalStateException e) {
        throw new dev.herald.mail.TransientMailException(e.getMessage() + "; wait for it to finish", e);
      } catch (UnsupportedOperationException e) {
        throw new InvalidConfigException(e.getMessage() + ": a batch needs a store that keeps keys (spool); remove queue from"
            + " profile '" + profile.name() + "' and the batch gets a spool of its own", e);
      } finally {
        bar.finish();
      }
      PrintStream out = ctx.out();
      if (report != null) writeReport(r.outcomes());
      if (!ctx.quiet()) table(out, r, profile);
      out.flush();
      ctx.err().flush();
      List<RowError> skipped = r.outcomes().stream().filter(o -> o.status() == Status.SKIPPED)
          .map(o -> new RowError(o.row(), o.recipient(), o.reply(), o.reply().contains("no such readable file")
              ? RowError.Kind.NO_INPUT : RowError.Kind.DATA)).toList();
      return code(skipped, r.outcomes());
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the summary is out
      }
    }
  }

  private void table(PrintStream out, MailMerge.Result r, Profile profile) {
    out.println("batch " + r.batchId() + " via " + profile.name() + " (queue: " + r.queue() + ")");
    for (Status s : Status.values()) {
      long n = r.count(s);
      if (n == 0 && s != Status.SENT) continue;
      out.printf("  %-9s %6d%n", s.name().toLowerCase(java.util.Locale.ROOT), n);
      if (s == Status.SENT || s == Status.PENDING) continue;
      int shown = 0;
      for (RowOutcome o : r.outcomes()) {
        if (o.status() != s) continue;
        if (shown++ == 20) {
          out.println("            … " + (n - 20) + " more (see --report)");
          break;
        }
        out.println("            row " + o.row() + (o.recipient().isEmpty() ? "" : " " + o.recipient()) + ": "
            + dev.herald.mail.Printable.oneLine(o.reply())); // a server's words: no escape reaches the terminal
      }
    }
    if (r.interrupted() || r.count(Status.PENDING) > 0 || r.count(Status.DEFERRED) > 0) {
      out.println((r.interrupted() ? "stopped; " : "") + "run the same command again to send what is left (nothing is sent twice)");
    }
  }

  /** Exit code: bad rows first (65, or 66 when only files are missing), then refusals (67), then what is left (75). */
  private static int code(List<RowError> errors, List<RowOutcome> outcomes) {
    if (errors.stream().anyMatch(e -> e.kind() != RowError.Kind.NO_INPUT)) return ExitCodes.DATAERR;
    if (!errors.isEmpty()) return ExitCodes.NOINPUT;
    if (outcomes.stream().anyMatch(o -> o.status() == Status.REFUSED)) return ExitCodes.NOUSER;
    if (outcomes.stream().anyMatch(o -> o.status() == Status.DEFERRED || o.status() == Status.PENDING)) return ExitCodes.TEMPFAIL;
    return ExitCodes.OK;
  }

  /** The report, written whole or not at all (a temporary file renamed into place). */
  private void writeReport(List<RowOutcome> outcomes) {
    Path target = report.toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          CSVPrinter csv = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader("row", "recipient", "message_id", "status", "reply").get())) {
        for (RowOutcome o : outcomes) {
          csv.printRecord(o.row(), o.recipient(), o.messageId(), o.status().name().toLowerCase(java.util.Locale.ROOT), o.reply());
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        e.addSuppressed(ignored);
      }
      throw new LocalIoException("cannot write the report " + report + ": " + e.getMessage(), e);
    }
  }
}

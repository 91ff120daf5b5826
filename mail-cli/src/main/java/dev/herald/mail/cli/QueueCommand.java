package dev.herald.mail.cli;

import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Profile;
import dev.herald.mail.queue.Outbox;
import dev.herald.mail.queue.OutboxWorker;
import dev.herald.mail.queue.Outcome;
import dev.herald.mail.queue.QueuedMessage;
import dev.herald.mail.queue.RetrySchedule;
import dev.herald.mail.spi.MessageQueue;
import dev.herald.mail.spi.TraceListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herald queue}: look into the profile's queue, retry or remove messages, and run the worker
 * that delivers them. The queue is the store the profile names ({@code queue = NAME}), or
 * {@code --queue NAME}.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
    description = "Inspect the profile's queue (queue = NAME) and deliver what it holds.",
    subcommands = {QueueCommand.ListCmd.class, QueueCommand.Show.class, QueueCommand.Stats.class, QueueCommand.Flush.class,
        QueueCommand.Retry.class, QueueCommand.Remove.class, QueueCommand.Run.class},
    footer = {"", "Examples:",
        "  herald send --queue --to me@example.org --subject hi --text hi   # stored; exit 0",
        "  herald queue list",
        "  herald queue run --once            # deliver what is due, then exit",
        "  herald queue run --watch           # the long-running worker (see the README's systemd unit)",
        "  herald queue retry --all"})
final class QueueCommand implements Callable<Integer> {
  private final CliContext ctx;

  QueueCommand(CliContext ctx) { this.ctx = ctx; }

  @Override public Integer call() {
    ctx.err().println("herald: queue needs a command: list, show, stats, flush, retry, remove or run");
    ctx.err().println("herald: hint: see 'herald queue --help'");
    return ExitCodes.USAGE;
  }

  /** Options of every queue command. */
  static final class Target {
    @Option(names = "--queue", paramLabel = "NAME", description = "The store herald.queues.NAME (default: the profile's queue).")
    String queue;
  }

  /** What a queue command works on: the configuration, the profile and its store. */
  abstract static class Base implements Callable<Integer> {
    final CliContext ctx;
    @Mixin ProfileOptions profileOptions;
    @Mixin CommonOptions common;
    @Mixin Target target;
    Wiring wiring;

    Base(CliContext ctx) { this.ctx = ctx; }

    Outbox outbox() {
      wiring = Wiring.load(ctx, profileOptions);
      String name = target.queue;
      if (name == null) {
        Profile profile = wiring.profile();
        name = MailerFactory.queueName(profile);
        if (name == null) throw Queued.noQueue(profile);
      }
      MessageQueue q = wiring.factory().queue(name, ctx::warn);
      if (q instanceof Outbox o) return o;
      q.close();
      throw new InvalidConfigException("queue '" + name + "' (" + q.describe() + ") cannot be inspected or drained by herald");
    }

    @Override public Integer call() throws Exception {
      try (Outbox o = outbox()) {
        return run(o, ctx.out());
      }
    }

    /** The store's answer about an id typed on the command line; an id it refuses ({@code ../x}) is a usage error. */
    static <T> T byId(String id, java.util.function.Supplier<T> op) {
      try {
        return op.get();
      } catch (IllegalArgumentException e) {
        throw new UsageException("not a queue id: '" + id + "'; 'herald queue list' shows the ids");
      }
    }

    abstract int run(Outbox outbox, PrintStream out) throws Exception;

    static InputNotFoundException noSuch(String id, Outbox o) {
      return new InputNotFoundException("no message " + id + " in " + o.describe() + "; 'herald queue list' shows the ids");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the messages: id, state, attempts, recipients, last error.")
  static final class ListCmd extends Base {
    ListCmd(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      List<QueuedMessage> all = o.list();
      if (all.isEmpty()) {
        if (!ctx.quiet()) out.println("the queue is empty (" + o.describe() + ")");
        return ExitCodes.OK;
      }
      Instant now = Instant.now();
      for (QueuedMessage m : all) {
        String when = switch (m.state()) {
          case DEFERRED -> "next in " + human(Duration.between(now, m.nextAttempt()));
          case ACTIVE -> "worker " + m.worker();
          case QUEUED -> "due now";
          case FAILED -> "failed";
        };
        List<String> rcpts = m.state() == QueuedMessage.State.FAILED ? List.copyOf(m.failed().keySet()) : m.pending();
        out.println(m.id() + "  " + m.state().name().toLowerCase(java.util.Locale.ROOT) + "  attempts " + m.attempts() + "  "
            + when + "  " + String.join(",", rcpts) + (m.lastError() == null ? "" : "  " + shorten(safe(m.lastError()), 100)));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one message: envelope, state, attempts and history.")
  static final class Show extends Base {
    @Parameters(paramLabel = "ID", description = "The queue id (from 'herald queue list').") String id;

    Show(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      QueuedMessage m = byId(id, () -> o.find(id)).orElseThrow(() -> noSuch(id, o));
      out.println("id:          " + m.id());
      out.println("message-id:  " + m.messageId());
      out.println("state:       " + m.state().name().toLowerCase(java.util.Locale.ROOT) + (m.worker() == null ? "" : " (worker " + m.worker() + ")"));
      out.println("from:        <" + m.sender() + ">");
      out.println("pending:     " + String.join(", ", m.pending()));
      if (!m.delivered().isEmpty()) out.println("delivered:   " + String.join(", ", m.delivered()));
      for (Map.Entry<String, String> f : m.failed().entrySet()) out.println("failed:      " + f.getKey() + ": " + safe(f.getValue()));
      out.println("queued:      " + m.created().truncatedTo(ChronoUnit.SECONDS));
      out.println("attempts:    " + m.attempts());
      if (m.nextAttempt() != null && m.state() == QueuedMessage.State.DEFERRED) {
        out.println("next:        " + m.nextAttempt().truncatedTo(ChronoUnit.SECONDS));
      }
      if (m.lastError() != null) out.println("last error:  " + safe(m.lastError()));
      out.println("size:        " + m.size() + " octets");
      out.println("history:");
      for (String h : m.history()) out.println("  " + safe(h));
      return ExitCodes.OK;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true, description = "Count the messages in each state.")
  static final class Stats extends Base {
    Stats(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      Outbox.Stats s = o.stats();
      out.println("queued " + s.queued() + ", deferred " + s.deferred() + ", active " + s.active() + ", failed " + s.failed()
          + (s.oldest() == null ? "" : "; oldest queued " + s.oldest().truncatedTo(ChronoUnit.SECONDS)) + " (" + o.describe() + ")");
      return ExitCodes.OK;
    }
  }

  @Command(name = "flush", mixinStandardHelpOptions = true,
      description = "Make every deferred message due now (failed ones stay failed); 'queue run' then sends them.")
  static final class Flush extends Base {
    Flush(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      int n = o.flush();
      if (!ctx.quiet()) out.println(n + " deferred message(s) made due now");
      return ExitCodes.OK;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Make a failed or deferred message due now (a failed one for its failed recipients).")
  static final class Retry extends Base {
    @ArgGroup(exclusive = true, multiplicity = "1") Which which;

    static final class Which {
      @Parameters(paramLabel = "ID", description = "The queue id.") String id;
      @Option(names = "--all", description = "Every failed and deferred message.") boolean all;
    }

    Retry(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      if (which.all) {
        int n = o.retryAll();
        if (!ctx.quiet()) out.println(n + " message(s) made due now");
      } else {
        if (!byId(which.id, () -> o.retry(which.id))) {
          if (o.find(which.id).isEmpty()) throw noSuch(which.id, o);
          throw new UsageException(which.id + " is " + o.find(which.id).get().state().name().toLowerCase(java.util.Locale.ROOT)
              + ", neither failed nor deferred: nothing to retry");
        }
        if (!ctx.quiet()) out.println(which.id + " is due now");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a message that is not being sent.")
  static final class Remove extends Base {
    @Parameters(paramLabel = "ID", description = "The queue id.") String id;

    Remove(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) {
      try {
        if (!byId(id, () -> o.remove(id))) throw noSuch(id, o);
      } catch (IllegalStateException e) {
        throw new dev.herald.mail.TransientMailException(e.getMessage());
      }
      if (!ctx.quiet()) out.println("removed " + id);
      return ExitCodes.OK;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Deliver the queue's messages through the profile's transport.",
          "--once (the default) sends what is due and exits; --watch keeps running until stopped (SIGTERM"
              + " finishes the messages in hand first)."})
  static final class Run extends Base {
    @Option(names = "--once", description = "Send what is due now, then exit (default).") boolean once;
    @Option(names = "--watch", description = "Keep running, looking for due messages every --poll.") boolean watch;
    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Messages sent at once (default 1).") int threads;
    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "5s",
        description = "How often --watch looks for due messages (HOCON duration, default 5s).") String poll;
    @Option(names = "--trace", description = "Print the protocol dialogue on stderr (secrets redacted).") boolean trace;

    Run(CliContext ctx) { super(ctx); }

    @Override int run(Outbox o, PrintStream out) throws Exception {
      if (once && watch) throw new UsageException("--once and --watch are exclusive: give one");
      if (threads < 1) throw new UsageException("--threads must be at least 1");
      Duration pollEvery;
      try {
        pollEvery = com.typesafe.config.ConfigFactory.parseString("d = " + com.typesafe.config.ConfigUtil.quoteString(poll))
            .getDuration("d");
      } catch (com.typesafe.config.ConfigException e) {
        throw new UsageException("--poll " + poll + ": expected a duration such as 5s or 1m");
      }
      Profile profile = wiring.profile();
      RetrySchedule schedule = RetrySchedule.of(profile.settings(), wiring.config().root());
      try (Mailer mailer = wiring.mailer(profile, trace ? Wiring.printer(ctx.err()) : TraceListener.NONE)) {
        OutboxWorker worker = OutboxWorker.builder(o, mailer).schedule(schedule).threads(threads).pollInterval(pollEvery)
            .listener((m, outcome) -> report(out, m, outcome)).build();
        if (!watch) {
          int n = worker.runOnce();
          if (!ctx.quiet()) {
            Outbox.Stats s = o.stats();
            out.println(n + " attempt(s); left: " + s.queued() + " queued, " + s.deferred() + " deferred, " + s.failed() + " failed");
          }
          return ExitCodes.OK;
        }
        Thread hook = new Thread(worker::close, "herald-queue-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!ctx.quiet()) ctx.err().println("herald: delivering from " + o.describe() + " via " + mailer.transport().describe()
            + "; stop with Ctrl-C or SIGTERM");
        worker.start();
        try {
          new java.util.concurrent.CountDownLatch(1).await();
        } finally {
          worker.close();
        }
        return ExitCodes.OK;
      }
    }

    private void report(PrintStream out, QueuedMessage m, Outcome outcome) {
      if (ctx.quiet()) return;
      String what = outcome.done() && m.failed().isEmpty() ? "delivered to " + (m.delivered().size() + outcome.accepted().size())
          + " recipient(s)" : safe(outcome.summary());
      synchronized (out) {
        out.println(m.id() + " " + m.messageId() + ": " + what);
        out.flush();
      }
    }
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) return s + "s";
    if (s < 3600) return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    if (s < 86400) return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
  }

  /** A server's words as stored (a reply may hold terminal escapes): one line, control characters shown, not sent. */
  static String safe(String s) { return dev.herald.mail.Printable.oneLine(s); }

  private static String shorten(String s, int max) { return s.length() <= max ? s : s.substring(0, max - 1) + "…"; }
}

package dev.herald.mail.cli;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Priority;
import dev.herald.mail.Profile;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.TraceListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code herald send}: each option is one call on {@link Email.Builder}; the profile's mailer sends.
 * Its picocli model is written as code ({@link #spec}), not as annotations: see {@link Specs}.
 */
final class SendCommand implements Callable<Integer> {
  private final CliContext ctx;

  List<String> to = new ArrayList<>();
  List<String> cc = new ArrayList<>();
  List<String> bcc = new ArrayList<>();
  String from;
  List<String> replyTo = new ArrayList<>();
  String subject;
  String text;
  Path textFile;
  Path htmlFile;
  boolean noTextFromHtml;
  List<Path> attach = new ArrayList<>();
  List<Inline> inline = new ArrayList<>();
  List<String> headers = new ArrayList<>();
  Priority priority;
  final ProfileOptions profileOptions = new ProfileOptions();
  boolean dryRun;
  boolean queue;
  boolean trace;
  final CommonOptions common;
  /** The most stdin or a body file may hold: {@code herald.stdin-limit}, set by {@link #call()} before it reads. */
  long inputLimit = Long.MAX_VALUE;

  SendCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  /** The command's model, its options bound to the fields of {@code c}. */
  static CommandSpec spec(SendCommand c) {
    CommandSpec s = Specs.command(c, "send", new String[] {"Send a message built from options.",
        "The text body comes from stdin when neither --text nor --text-file is given and stdin is not a terminal."},
        new String[] {"", "Examples:",
            "  herald send --to bob@example.net --subject 'Report' --text 'Attached.' --attach report.pdf",
            "  df -h | herald send --profile work --to ops@example.org --subject \"disk on $(hostname)\"",
            "  herald send --to a@example.com --subject hi --text hi --set port=2525 --trace",
            "  herald send --queue --profile laptop --to me@example.org --subject backup --text-file log.txt"});
    s.addOption(Specs.list(Specs.names("--to"), "ADDR", "Recipient; repeatable, or comma-separated.", String.class,
        () -> c.to, v -> c.to = v).build());
    s.addOption(Specs.list(Specs.names("--cc"), "ADDR", "Copy recipient; repeatable, or comma-separated.", String.class,
        () -> c.cc, v -> c.cc = v).build());
    s.addOption(Specs.list(Specs.names("--bcc"), "ADDR", "Blind copy: in the envelope only, never in the headers.",
        String.class, () -> c.bcc, v -> c.bcc = v).build());
    s.addOption(Specs.single(Specs.names("--from"), "ADDR", "Author (default: the profile's from).", String.class,
        () -> c.from, v -> c.from = v).build());
    s.addOption(Specs.list(Specs.names("--reply-to"), "ADDR", "Reply-To address; repeatable.", String.class,
        () -> c.replyTo, v -> c.replyTo = v).build());
    s.addOption(Specs.single(Specs.names("-s", "--subject"), "TEXT", "Subject (any language).", String.class,
        () -> c.subject, v -> c.subject = v).required(true).build());
    s.addOption(Specs.single(Specs.names("--text"), "TEXT", "Plain-text body.", String.class,
        () -> c.text, v -> c.text = v).build());
    s.addOption(Specs.single(Specs.names("--text-file"), "FILE", "Plain-text body from a UTF-8 file ('-' for stdin).",
        Path.class, () -> c.textFile, v -> c.textFile = v).build());
    s.addOption(Specs.single(Specs.names("--html-file"), "FILE", "HTML body from a UTF-8 file.", Path.class,
        () -> c.htmlFile, v -> c.htmlFile = v).build());
    s.addOption(Specs.flag(Specs.names("--no-text-from-html"),
        "With --html-file and no text: send the HTML alone (default: a text alternative made from it).",
        v -> c.noTextFromHtml = v).build());
    s.addOption(Specs.list(Specs.names("-a", "--attach"), "FILE", "Attach a file; repeatable.", Path.class,
        () -> c.attach, v -> c.attach = v).build());
    s.addOption(Specs.list(Specs.names("--inline"), "CID=FILE",
        "Inline part shown by the HTML as <img src=\"cid:CID\">; repeatable.", Inline.class,
        () -> c.inline, v -> c.inline = v).converters(new InlineConverter()).build());
    s.addOption(Specs.list(Specs.names("--header"), "'NAME: VALUE'", "Extra header; repeatable.", String.class,
        () -> c.headers, v -> c.headers = v).build());
    s.addOption(Specs.single(Specs.names("--priority"), "LEVEL", "high, normal or low.", Priority.class,
        () -> c.priority, v -> c.priority = v).converters(new PriorityConverter())
        .completionCandidates(java.util.List.of("high", "normal", "low")).build());
    ProfileOptions.addTo(s, c.profileOptions);
    s.addOption(Specs.flag(Specs.names("--dry-run"), "Print the rendered message (and its envelope on stderr); send nothing.",
        v -> c.dryRun = v).build());
    s.addOption(Specs.flag(Specs.names("--queue"), "Store the message in the profile's queue (queue = NAME) and return at"
        + " once; 'herald queue run' delivers it, retrying while the server cannot be reached.", v -> c.queue = v).build());
    s.addOption(Specs.flag(Specs.names("--trace"), "Print the protocol dialogue on stderr (secrets redacted).",
        v -> c.trace = v).build());
    CommonOptions.addTo(s, c.common);
    Specs.standardHelp(s);
    return s;
  }

  /** An inline part: {@code --inline logo=logo.png}. */
  record Inline(String contentId, Path file) { }

  @Override public Integer call() {
    Wiring wiring = Wiring.load(ctx, profileOptions);
    inputLimit = wiring.stdinLimit();
    Email email = toEmail();
    Profile profile = wiring.profile();
    try (Mailer mailer = wiring.mailer(profile, trace ? Wiring.printer(ctx.err()) : TraceListener.NONE)) {
      if (dryRun) return dryRun(mailer, email);
      if (queue) return Queued.enqueue(mailer, profile, () -> mailer.enqueue(email), ctx.quiet() ? null : ctx.out());
      SendReceipt receipt = mailer.send(email);
      for (SendReceipt.Rejection r : receipt.rejected()) ctx.warn(Rejections.describe(r));
      if (!ctx.quiet()) ctx.out().println(SuccessLine.of(receipt, profile, wiring.config(), ctx.env()));
      return ExitCodes.OK;
    }
  }

  /** The message this command line describes; no network, no config. */
  Email toEmail() {
    if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) throw new UsageException("no recipient: give --to, --cc or --bcc");
    if (text != null && textFile != null) throw new UsageException("--text and --text-file are exclusive: give one");
    Email.Builder b = Email.builder();
    to.forEach(b::to);
    cc.forEach(b::cc);
    bcc.forEach(b::bcc);
    if (from != null) b.from(from);
    replyTo.forEach(b::replyTo);
    b.subject(subject);
    String body = body();
    if (body != null) b.text(body);
    if (htmlFile != null) b.html(Inputs.text(htmlFile, "--html-file", inputLimit));
    if (noTextFromHtml) b.textFromHtml(false);
    attach.forEach(b::attach);
    inline.forEach(i -> b.inline(i.contentId(), i.file()));
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) throw new InvalidMessageException("--header '" + h + "': expected 'Name: value'");
      b.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    if (priority != null) b.priority(priority);
    return b.build();
  }

  private String body() {
    if (text != null) return text;
    if (textFile != null && !textFile.toString().equals("-")) return Inputs.text(textFile, "--text-file", inputLimit);
    if (textFile != null || !ctx.stdinIsTerminal()) {
      String s = Inputs.utf8(Inputs.bytes(ctx.in(), "the body on stdin", inputLimit), "the body on stdin");
      return s.isEmpty() && textFile == null ? null : s;
    }
    return null;
  }

  private int dryRun(Mailer mailer, Email email) {
    Email full = mailer.withDefaults(email);
    MessageContent content = full.render();
    Envelope envelope = Envelope.of(full);
    if (!ctx.quiet()) {
      ctx.err().println("herald: dry run, nothing sent; profile " + mailer.name() + " would send via "
          + mailer.transport().describe() + " from <" + envelope.sender() + "> to "
          + String.join(", ", envelope.recipients().stream().map(r -> "<" + r + ">").toList()));
    }
    try {
      ctx.out().flush();
      content.writeTo(ctx.out());
      ctx.out().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ExitCodes.OK;
  }

  static final class InlineConverter implements ITypeConverter<Inline> {
    @Override public Inline convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new TypeConversionException("expected CID=FILE, e.g. --inline logo=logo.png");
      }
      return new Inline(value.substring(0, eq), Path.of(value.substring(eq + 1)));
    }
  }

  static final class PriorityConverter implements ITypeConverter<Priority> {
    @Override public Priority convert(String value) {
      try {
        return Priority.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected high, normal or low");
      }
    }
  }
}

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
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code herald send}: each option is one call on {@link Email.Builder}; the profile's mailer sends. */
@Command(name = "send", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Send a message built from options.",
        "The text body comes from stdin when neither --text nor --text-file is given and stdin is not a terminal."},
    footer = {"", "Examples:",
        "  herald send --to bob@example.net --subject 'Report' --text 'Attached.' --attach report.pdf",
        "  df -h | herald send --profile work --to ops@example.org --subject \"disk on $(hostname)\"",
        "  herald send --to a@example.com --subject hi --text hi --set port=2525 --trace"})
final class SendCommand implements Callable<Integer> {
  private final CliContext ctx;

  SendCommand(CliContext ctx) { this.ctx = ctx; }

  @Option(names = "--to", paramLabel = "ADDR", description = "Recipient; repeatable, or comma-separated.")
  List<String> to = new ArrayList<>();
  @Option(names = "--cc", paramLabel = "ADDR", description = "Copy recipient; repeatable, or comma-separated.")
  List<String> cc = new ArrayList<>();
  @Option(names = "--bcc", paramLabel = "ADDR", description = "Blind copy: in the envelope only, never in the headers.")
  List<String> bcc = new ArrayList<>();
  @Option(names = "--from", paramLabel = "ADDR", description = "Author (default: the profile's from).")
  String from;
  @Option(names = "--reply-to", paramLabel = "ADDR", description = "Reply-To address; repeatable.")
  List<String> replyTo = new ArrayList<>();
  @Option(names = {"-s", "--subject"}, paramLabel = "TEXT", required = true, description = "Subject (any language).")
  String subject;
  @Option(names = "--text", paramLabel = "TEXT", description = "Plain-text body.")
  String text;
  @Option(names = "--text-file", paramLabel = "FILE", description = "Plain-text body from a UTF-8 file ('-' for stdin).")
  Path textFile;
  @Option(names = "--html-file", paramLabel = "FILE", description = "HTML body from a UTF-8 file.")
  Path htmlFile;
  @Option(names = {"-a", "--attach"}, paramLabel = "FILE", description = "Attach a file; repeatable.")
  List<Path> attach = new ArrayList<>();
  @Option(names = "--inline", paramLabel = "CID=FILE", converter = InlineConverter.class,
      description = "Inline part shown by the HTML as <img src=\"cid:CID\">; repeatable.")
  List<Inline> inline = new ArrayList<>();
  @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "Extra header; repeatable.")
  List<String> headers = new ArrayList<>();
  @Option(names = "--priority", paramLabel = "LEVEL", description = "high, normal or low.",
      converter = PriorityConverter.class)
  Priority priority;

  @Mixin ProfileOptions profileOptions;

  @Option(names = "--dry-run", description = "Print the rendered message (and its envelope on stderr); send nothing.")
  boolean dryRun;
  @Option(names = "--trace", description = "Print the protocol dialogue on stderr (secrets redacted).")
  boolean trace;
  @Mixin CommonOptions common;

  /** An inline part: {@code --inline logo=logo.png}. */
  record Inline(String contentId, Path file) { }

  @Override public Integer call() {
    Email email = toEmail();
    Wiring wiring = Wiring.load(ctx, profileOptions);
    Profile profile = wiring.profile();
    try (Mailer mailer = wiring.mailer(profile, trace ? Wiring.printer(ctx.err()) : TraceListener.NONE)) {
      if (dryRun) return dryRun(mailer, email);
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
    if (htmlFile != null) b.html(Inputs.text(htmlFile, "--html-file"));
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
    if (textFile != null && !textFile.toString().equals("-")) return Inputs.text(textFile, "--text-file");
    if (textFile != null || !ctx.stdinIsTerminal()) {
      String s = Inputs.utf8(Inputs.bytes(ctx.in(), "stdin"), "the body on stdin");
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

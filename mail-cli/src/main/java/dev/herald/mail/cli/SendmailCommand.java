package dev.herald.mail.cli;

import dev.herald.mail.Address;
import dev.herald.mail.Envelope;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Profile;
import dev.herald.mail.RawEmail;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code herald sendmail}: a drop-in for {@code /usr/sbin/sendmail} as msmtp is. Reads a raw
 * RFC 5322 message on stdin and hands it to the profile's transport with an explicit envelope.
 * Silent on success, like sendmail; exit codes from {@code sysexits.h}. Modelled in code ({@link #spec}).
 */
final class SendmailCommand implements Callable<Integer> {
  private final CliContext ctx;

  List<String> args = new ArrayList<>();

  SendmailCommand(CliContext ctx) { this.ctx = ctx; }

  /** The command's model, written as code (see {@link Specs}): {@code --help}, and every other argument as is. */
  static CommandSpec spec(SendmailCommand c) {
    CommandSpec s = Specs.command(c, "sendmail", new String[] {
        "Send a raw RFC 5322 message from stdin, as /usr/sbin/sendmail does (msmtp-compatible).",
        "With a profile that names a queue (queue = NAME), the message is stored and accepted at once;"
            + " 'herald queue run' delivers it.",
        "Bcc headers are always removed; Date and Message-ID are added when missing, From when missing and a"
            + " sender is known. Input is read to the end (a lone '.' does not end it). bin/herald reached"
            + " through a link named 'sendmail' runs this command."},
        new String[] {"", "Options (sendmail's):",
            "  -t                 Recipients from the To, Cc and Bcc headers (and the arguments).",
            "  -f ADDR, -r ADDR   Envelope sender (default: the profile's from, else the From header); -f '<>' for none.",
            "  -F NAME            Display name for a From header that herald adds.",
            "  -i, -oi            Accepted (input always ends at end of file).",
            "  -v                 Print the success line on stderr.",
            "  -oXXX -bm -N -B -R -V -X -C -L -O -h -A -G -U -m -n   Accepted and ignored.",
            "Options (herald's):",
            "  --profile NAME (or -a NAME), --config FILE, --set KEY=VALUE, --trace, --verbose",
            "", "Bare user names (cron's 'sendmail … user', mail(1)'s 'mail root') become addresses through the",
            "profile's aliases = /etc/aliases ('name: addr, addr'; 'default:' for the rest), else local-domain",
            "(user becomes user@local-domain); with neither, such a recipient is an error (65).",
            "", "Examples:",
            "  printf 'To: a@example.com\\nSubject: hi\\n\\nbody\\n' | herald sendmail -t",
            "  git send-email --sendmail-cmd='herald sendmail' --to=list@example.org 0001-fix.patch",
            "  sudo ln -s \"$PWD/bin/herald\" /usr/sbin/sendmail   # cron calls /usr/sbin/sendmail by this path;",
            "                                                   # first check no MTA owns it: dpkg -S /usr/sbin/sendmail"});
    s.addOption(OptionSpec.builder("--help").usageHelp(true).description("Show this help.").build());
    s.addPositional(Specs.positionals("ARG", "0..*", "Recipients and sendmail options.", () -> c.args, v -> c.args = v));
    return s;
  }

  @Override public Integer call() {
    SendmailArgs a = SendmailArgs.parse(args);
    ctx.verbose(a.stackTraces);
    Wiring wiring = Wiring.load(ctx, a.profileOptions());
    Profile profile = wiring.profile();
    LocalRecipients local = LocalRecipients.of(profile);
    List<String> recipients = new ArrayList<>();
    for (String r : a.recipients) recipients.addAll(local.addresses(r));
    byte[] input = Inputs.bytes(ctx.in(), "the message on stdin", wiring.stdinLimit());
    if (input.length == 0) throw new InvalidMessageException("no message on stdin");
    RawEmail raw = RawEmail.parse(input);
    if (a.readRecipients) recipients.addAll(raw.recipients(local::addresses));
    if (recipients.isEmpty()) {
      throw new UsageException(a.readRecipients ? "no recipients: the message has no To, Cc or Bcc, and none were given"
          : "no recipients: give them as arguments, or use -t to read To, Cc and Bcc");
    }
    try (Mailer mailer = wiring.mailer(profile, a.trace ? Wiring.printer(ctx.err()) : TraceListener.NONE)) {
      Address sender = sender(a, mailer, raw);
      Address author = sender == null || a.fullName == null ? sender : sender.withDisplayName(a.fullName);
      MessageContent message = raw.completed(author).content();
      Envelope envelope = new Envelope(sender == null ? "" : sender.address(), recipients);
      if (mailer.queue().isPresent()) {
        // A profile with a queue accepts at once (cron on a laptop): the worker delivers later.
        return Queued.enqueue(mailer, profile, () -> mailer.enqueue(envelope, message), a.verbose ? ctx.err() : null);
      }
      SendReceipt receipt = mailer.send(envelope, message);
      for (SendReceipt.Rejection r : receipt.rejected()) ctx.warn(Rejections.describe(r));
      if (a.verbose) ctx.err().println(SuccessLine.of(receipt, profile, wiring.config(), ctx.env()));
      return ExitCodes.OK;
    }
  }

  /**
   * -f, else the profile's from (with its display name), else the From header; null for the null
   * sender. A bare user name ({@code -f root}, as cron passes it) is no address a submission server
   * would take, so it counts as not given.
   */
  private static Address sender(SendmailArgs a, Mailer mailer, RawEmail raw) {
    if (a.envelopeFrom != null && a.envelopeFrom.isBlank()) return null;
    if (a.envelopeFrom != null && a.envelopeFrom.contains("@")) return Address.parse(a.envelopeFrom);
    return mailer.defaultFrom().or(raw::from).orElseThrow(() -> new InvalidMessageException(
        "no sender: give -f ADDR, set from in the profile, or add a From header"));
  }
}

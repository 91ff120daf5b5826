package dev.herald.mail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code herald}: the top command; without a subcommand it shows the usage (exit 64). Modelled in
 * code ({@link #spec}), like {@code send}: see {@link Specs}.
 */
final class HeraldCommand implements Callable<Integer> {
  /**
   * The subcommands, in the order help lists them. {@link Main} adds them itself rather than through
   * {@code @Command(subcommands = …)}, so that a run models only the command it runs (start-up time).
   */
  static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static java.util.Map<String, Class<?>> subcommands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("send", SendCommand.class);
    m.put("sendmail", SendmailCommand.class);
    m.put("queue", QueueCommand.class);
    m.put("batch", BatchCommand.class);
    m.put("check", CheckCommand.class);
    m.put("auth", AuthCommand.class);
    m.put("dkim", DkimCommand.class);
    m.put("dev-server", DevServerCommand.class);
    m.put("profiles", ProfilesCommand.class);
    m.put("config", ConfigCommand.class);
    m.put("completion", CompletionCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  private CommandLine.Model.CommandSpec spec;

  /** The command's model (the subcommands are added by {@link Main}). */
  static CommandLine.Model.CommandSpec spec(HeraldCommand c) {
    CommandLine.Model.CommandSpec s = Specs.command(c, "herald",
        new String[] {"Send email from the command line: a profile from herald.conf, a message from options or stdin."},
        new String[] {"", "Config: --config FILE, else $HERALD_CONFIG, else ~/.config/herald/herald.conf;"
            + " profile: --profile, else $HERALD_PROFILE, else herald.profile.",
            "Exit codes follow sysexits.h: 0 ok, 64 usage, 65 bad message, 66 missing input, 67 every recipient"
            + " rejected, 69 unavailable, 70 bug, 74 local I/O, 75 try again later, 76 protocol/TLS, 77 auth,"
            + " 78 config."});
    s.usageMessage().commandListHeading("%nCommands:%n");
    s.versionProvider(new VersionProvider());
    Specs.standardHelp(s);
    c.spec = s;
    return s;
  }

  @Override public Integer call() {
    CommandLine cl = spec.commandLine();
    cl.usage(cl.getErr());
    return ExitCodes.USAGE;
  }
}

package dev.herald.mail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code herald}: the top command; without a subcommand it shows the usage (exit 64). */
@Command(name = "herald", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Send email from the command line: a profile from herald.conf, a message from options or stdin.",
    subcommands = {SendCommand.class, SendmailCommand.class, CheckCommand.class, AuthCommand.class,
        DevServerCommand.class, ProfilesCommand.class, ConfigCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    commandListHeading = "%nCommands:%n",
    footer = {"", "Config: --config FILE, else $HERALD_CONFIG, else ~/.config/herald/herald.conf;"
        + " profile: --profile, else $HERALD_PROFILE, else herald.profile.",
        "Exit codes follow sysexits.h: 0 ok, 64 usage, 65 bad message, 66 missing input, 67 every recipient"
        + " rejected, 69 unavailable, 70 bug, 74 local I/O, 75 try again later, 76 protocol/TLS, 77 auth,"
        + " 78 config."})
final class HeraldCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override public Integer call() {
    CommandLine cl = spec.commandLine();
    cl.usage(cl.getErr());
    return ExitCodes.USAGE;
  }
}

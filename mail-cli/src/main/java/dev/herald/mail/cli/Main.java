package dev.herald.mail.cli;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of {@code herald}. Builds the picocli command tree for one run, with the
 * {@link ExitCodes} mapper and the {@link Errors} printer; {@link #run} is what tests call.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CliContext ctx = CliContext.system();
    int code = run(ctx, args);
    ctx.out().flush();
    ctx.err().flush();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; never calls {@link System#exit}. */
  public static int run(CliContext ctx, String... args) {
    CommandLine cl = commandLine(ctx);
    int code = cl.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  static CommandLine commandLine(CliContext ctx) {
    Errors errors = new Errors(ctx);
    CommandLine cl = new CommandLine(new HeraldCommand(), new Factory(ctx));
    cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(ctx.out(), java.nio.charset.StandardCharsets.UTF_8), true));
    cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(ctx.err(), java.nio.charset.StandardCharsets.UTF_8), true));
    cl.setExitCodeExceptionMapper(new ExitCodes());
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // sendmail's flags (-t, -oi, -odi, -fFROM…) are read by SendmailArgs, not by picocli.
    cl.getSubcommands().get("sendmail").setUnmatchedOptionsArePositionalParams(true);
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SOFTWARE);
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
      sub.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SOFTWARE);
    }
    return cl;
  }

  /** Creates commands and mixins that take the run's {@link CliContext} in their constructor. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliContext ctx;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(CliContext ctx) { this.ctx = ctx; }

    @Override public <K> K create(Class<K> cls) throws Exception {
      boolean takesContext = Arrays.stream(cls.getDeclaredConstructors())
          .anyMatch(c -> c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class);
      if (takesContext) {
        var c = cls.getDeclaredConstructor(CliContext.class);
        c.setAccessible(true);
        return c.newInstance(ctx);
      }
      return fallback.create(cls);
    }
  }
}

package dev.herald.mail.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code herald}. Builds the picocli command tree for one run, with the
 * {@link ExitCodes} mapper and the {@link Errors} printer; {@link #run} is what tests call.
 */
public final class Main {
  static {
    // picocli's default factory probes the class path for Groovy closures in its class initialiser:
    // a failed lookup that opens every jar on the class path, a tenth of a send's start-up. We have none.
    if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
    // No option of ours has a java.time or java.sql type: registering their converters would load
    // and initialise those classes (java.time's formatters alone are a few percent of start-up).
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", "java\\.time\\..*,java\\.sql\\..*");
    }
  }

  private Main() {}

  public static void main(String[] args) {
    // Guice: plain reflection instead of generated classes, and no stack trace per binding — both only
    // cost start-up time in a process that makes one injector with a handful of instance bindings.
    if (System.getProperty("guice_bytecode_gen_option") == null) System.setProperty("guice_bytecode_gen_option", "DISABLED");
    if (System.getProperty("guice_include_stack_traces") == null) System.setProperty("guice_include_stack_traces", "OFF");
    // Up to here and through picocli no lambda or method reference runs on this thread: the first one
    // in a JVM links the invokedynamic machinery, some 10% of a send's start-up, and the warm-up
    // thread does that while this one builds the command line.
    CliContext ctx = CliContext.system();
    // A background thread's failure (the warm-up, a connection's) is one line, never a JVM stack dump.
    Thread.setDefaultUncaughtExceptionHandler(new Errors.Uncaught(ctx));
    Warmup.start(ctx, args);
    int code = run(ctx, args);
    ctx.out().flush();
    ctx.err().flush();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; never calls {@link System#exit}. */
  public static int run(CliContext ctx, String... args) {
    int code;
    try {
      CommandLine cl = commandLine(ctx, args.length > 0 ? args[0] : null);
      code = cl.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands on what is not an Exception; the work that filled the heap has unwound by now.
      code = Errors.fatal(ctx, e);
    }
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  /** The whole command tree. */
  static CommandLine commandLine(CliContext ctx) { return commandLine(ctx, null); }

  /**
   * The command tree for a run whose first argument is {@code first}: when that names a command,
   * only that command is modelled (picocli reflects over every option of every command it is given,
   * which is most of a short run's start-up); otherwise (help, an option, a typo) all of them.
   */
  static CommandLine commandLine(CliContext ctx, String first) {
    Errors errors = new Errors(ctx);
    Factory factory = new Factory(ctx);
    CommandLine cl = new CommandLine(HeraldCommand.spec(new HeraldCommand()), factory);
    boolean one = first != null && HeraldCommand.SUBCOMMANDS.containsKey(first) && !first.equals("help")
        && !first.equals("completion");
    boolean none = "--version".equals(first) || "-V".equals(first);
    for (var e : HeraldCommand.SUBCOMMANDS.entrySet()) {
      if (none || (one && !e.getKey().equals(first))) continue;
      Class<?> c = e.getValue();
      cl.addSubcommand(e.getKey(), c == SendCommand.class ? new CommandLine(SendCommand.spec(new SendCommand(ctx)), factory)
          : c == SendmailCommand.class ? new CommandLine(SendmailCommand.spec(new SendmailCommand(ctx)), factory)
          : new CommandLine(c, factory));
    }
    cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(ctx.out(), java.nio.charset.StandardCharsets.UTF_8), true));
    cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(ctx.err(), java.nio.charset.StandardCharsets.UTF_8), true));
    cl.setExitCodeExceptionMapper(new ExitCodes());
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // sendmail's flags (-t, -oi, -odi, -fFROM…) are read by SendmailArgs, not by picocli.
    CommandLine sendmail = cl.getSubcommands().get("sendmail");
    if (sendmail != null) sendmail.setUnmatchedOptionsArePositionalParams(true);
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SOFTWARE);
    exitCodes(cl.getSubcommands().values());
    return cl;
  }

  private static void exitCodes(java.util.Collection<CommandLine> commands) {
    for (CommandLine sub : commands) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
      sub.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SOFTWARE);
      exitCodes(sub.getSubcommands().values()); // herald queue list, …
    }
  }

  /** Creates commands and mixins that take the run's {@link CliContext} in their constructor. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliContext ctx;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(CliContext ctx) { this.ctx = ctx; }

    @Override public <K> K create(Class<K> cls) throws Exception {
      boolean takesContext = false;
      for (var c : cls.getDeclaredConstructors()) {
        takesContext |= c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class;
      }
      if (takesContext) {
        var c = cls.getDeclaredConstructor(CliContext.class);
        c.setAccessible(true);
        return c.newInstance(ctx);
      }
      return fallback.create(cls);
    }
  }
}

package dev.herald.mail.cli;

import dev.herald.mail.MailException;
import dev.herald.mail.Printable;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Prints failures as one or two lines on stderr ({@code herald: <message>} and, when known,
 * {@code herald: hint: <what to do>}); the stack trace only with {@code --verbose}. The exit code
 * comes from the command line's {@link ExitCodes} mapper.
 */
final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  private final CliContext ctx;

  Errors(CliContext ctx) { this.ctx = ctx; }

  @Override public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    if (ex instanceof ParameterException pe) return handleParseException(pe, new String[0]);
    print(ex, cmd);
    return cmd.getExitCodeExceptionMapper().getExitCode(ex);
  }

  @Override public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintStream err = ctx.err();
    err.println("herald: " + ex.getMessage());
    PrintWriter suggestions = new PrintWriter(err, true);
    if (CommandLine.UnmatchedArgumentException.printSuggestions(ex, suggestions)) suggestions.flush();
    err.println("herald: hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    if (ctx.verbose()) ex.printStackTrace(err);
    return cmd.getExitCodeExceptionMapper().getExitCode(ex);
  }

  void print(Throwable ex, CommandLine cmd) {
    PrintStream err = ctx.err();
    int code = ExitCodes.of(ex);
    if (ex instanceof UsageException) {
      err.println("herald: " + ex.getMessage());
      err.println("herald: hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    } else if (code == ExitCodes.SOFTWARE) {
      err.println("herald: internal error: " + Printable.oneLine(ex.toString()));
      err.println("herald: hint: this is a bug in herald; rerun with --verbose and report the stack trace");
    } else {
      // One line, and no control character reaches the terminal: a message may quote a hostile server.
      err.println("herald: " + Printable.oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      if (ex instanceof MailException me && me.hint().isPresent()) err.println("herald: hint: " + Printable.oneLine(me.hint().get()));
    }
    if (ctx.verbose()) ex.printStackTrace(err);
  }

  /**
   * An {@link OutOfMemoryError} (74: the input is too large for this heap, e.g. a huge body in a small
   * JVM) or a {@link StackOverflowError} (70, a bug), as one line and a hint; the trace with --verbose.
   */
  static int fatal(CliContext ctx, Error e) {
    PrintStream err = ctx.err();
    if (e instanceof OutOfMemoryError) {
      err.println("herald: out of memory (Java heap of " + (Runtime.getRuntime().maxMemory() >> 20)
          + " MiB): the input is too large for it");
      err.println("herald: hint: send less, or give the JVM more: HERALD_JAVA_OPTS=-Xmx1g (java -Xmx1g -jar herald.jar)");
    } else {
      err.println("herald: internal error: " + e);
      err.println("herald: hint: this is a bug in herald; rerun with --verbose and report the stack trace");
    }
    if (ctx.verbose()) e.printStackTrace(err);
    return e instanceof OutOfMemoryError ? ExitCodes.IOERR : ExitCodes.SOFTWARE;
  }

  /** Prints what a background thread died of as one line (the real use of its work reports it too). */
  static final class Uncaught implements Thread.UncaughtExceptionHandler {
    private final CliContext ctx;

    Uncaught(CliContext ctx) { this.ctx = ctx; }

    @Override public void uncaughtException(Thread t, Throwable e) {
      // Out of memory is the main thread's to report (it is short of the same heap), once.
      if (e instanceof OutOfMemoryError && !ctx.verbose()) return;
      ctx.err().println("herald: internal error in thread " + t.getName() + ": " + Printable.oneLine(String.valueOf(e)));
      if (ctx.verbose()) e.printStackTrace(ctx.err());
    }
  }
}

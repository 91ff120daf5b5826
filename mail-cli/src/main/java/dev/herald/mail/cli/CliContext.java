package dev.herald.mail.cli;

import dev.herald.mail.Providers;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one run of the command sees of the world: its standard streams, the environment, whether
 * stdin is a terminal, and the providers found on the class path. Tests make their own.
 */
public final class CliContext {
  private static final Object LOCK = new Object();
  private static Providers discovered;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final boolean stdinIsTerminal;
  private final Supplier<Providers> providers;
  private boolean verbose;
  private boolean quiet;
  private Providers providersOfRun;
  private final java.util.Set<String> warned = new java.util.HashSet<>();

  public CliContext(InputStream in, OutputStream out, OutputStream err, Map<String, String> env,
      boolean stdinIsTerminal, Supplier<Providers> providers) {
    this.in = Objects.requireNonNull(in);
    this.out = out instanceof PrintStream p ? p : new PrintStream(out, false, StandardCharsets.UTF_8);
    this.err = err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8);
    this.env = Map.copyOf(env);
    this.stdinIsTerminal = stdinIsTerminal;
    this.providers = Objects.requireNonNull(providers);
  }

  /** The process's own streams and environment; providers discovered once per process. */
  public static CliContext system() {
    return new CliContext(System.in, new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8), System.err, System.getenv(), stdinIsTerminalOfThisProcess(), new Discovered());
  }

  /**
   * Whether stdin is a terminal. bin/herald knows ({@code [ -t 0 ]}) and passes {@code -Dherald.stdin.tty};
   * without it, {@link System#console()}, which is null as soon as stdin <em>or stdout</em> is redirected.
   */
  static boolean stdinIsTerminalOfThisProcess() {
    String tty = System.getProperty("herald.stdin.tty");
    if (tty != null) return tty.equals("1") || tty.equals("true");
    return System.console() != null;
  }

  /** {@link #discoverOnce()} as a class, not a method reference (see {@link Main#main}). */
  private static final class Discovered implements Supplier<Providers> {
    @Override public Providers get() { return discoverOnce(); }
  }

  /** {@link Providers#discover()}, once per process: ServiceLoader runs at most one time. */
  public static Providers discoverOnce() {
    synchronized (LOCK) {
      if (discovered == null) discovered = Providers.discover();
      return discovered;
    }
  }

  public InputStream in() { return in; }
  public PrintStream out() { return out; }
  public PrintStream err() { return err; }
  public Map<String, String> env() { return env; }
  public boolean stdinIsTerminal() { return stdinIsTerminal; }

  /** The providers of this run; the first call reports any provider that failed to load. */
  public Providers providers() {
    if (providersOfRun == null) {
      providersOfRun = providers.get();
      providersOfRun.problems().forEach(this::warn);
    }
    return providersOfRun;
  }

  /** Where {@link #providers()} comes from, for {@link Warmup} to ask ahead on another thread. */
  Supplier<Providers> providerSource() { return providers; }

  public boolean verbose() { return verbose; }
  void verbose(boolean v) { this.verbose = v; }
  public boolean quiet() { return quiet; }
  void quiet(boolean q) { this.quiet = q; }

  /** A one-line warning on stderr, each at most once per run ({@code -q} silences it). */
  public void warn(String warning) {
    boolean first;
    synchronized (warned) {
      first = warned.add(warning);
    }
    if (first && !quiet) err.println("herald: warning: " + warning);
  }
}

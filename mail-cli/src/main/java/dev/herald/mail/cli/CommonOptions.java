package dev.herald.mail.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --verbose} and {@code -q}, on every command (a mixin, or {@link #addTo} for a command written as code). */
final class CommonOptions {
  private static final String VERBOSE = "Show stack traces of failures.";
  private static final String QUIET = "Print nothing on success, and no warnings.";

  private final CliContext ctx;

  CommonOptions(CliContext ctx) { this.ctx = ctx; }

  @Option(names = "--verbose", description = VERBOSE)
  void verbose(boolean v) { ctx.verbose(v); }

  @Option(names = {"-q", "--quiet"}, description = QUIET)
  void quiet(boolean q) { ctx.quiet(q); }

  /** The same options for a command modelled in code ({@link Specs}). */
  static void addTo(CommandSpec spec, CommonOptions o) {
    spec.addOption(Specs.flag(Specs.names("--verbose"), VERBOSE, o::verbose).build());
    spec.addOption(Specs.flag(Specs.names("-q", "--quiet"), QUIET, o::quiet).build());
  }
}

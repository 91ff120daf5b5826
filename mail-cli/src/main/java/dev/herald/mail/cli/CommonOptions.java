package dev.herald.mail.cli;

import picocli.CommandLine.Option;

/** {@code --verbose} and {@code -q}, on every command. */
final class CommonOptions {
  private final CliContext ctx;

  CommonOptions(CliContext ctx) { this.ctx = ctx; }

  @Option(names = "--verbose", description = "Show stack traces of failures.")
  void verbose(boolean v) { ctx.verbose(v); }

  @Option(names = {"-q", "--quiet"}, description = "Print nothing on success, and no warnings.")
  void quiet(boolean q) { ctx.quiet(q); }
}

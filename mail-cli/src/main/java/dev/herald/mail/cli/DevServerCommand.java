package dev.herald.mail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald dev-server}: mail-testkit's server as a local inbox. */
@Command(name = "dev-server", mixinStandardHelpOptions = true,
    description = "Run a local SMTP server that prints each message it receives (mail-testkit's MockSmtpServer).",
    footer = {"", "Example:", "  herald dev-server --port 2525 --save ./inbox"})
final class DevServerCommand implements Callable<Integer> {
  private final CliContext ctx;

  DevServerCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin CommonOptions common;

  @Override public Integer call() {
    throw new UsageException("herald dev-server needs mail-testkit, which this build does not include yet");
  }
}

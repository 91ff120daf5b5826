package dev.herald.mail.cli;

import dev.herald.mail.Profile;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald config}: the effective profile, every key, secrets shown as {@code <redacted>}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Show the effective settings of a profile (presets and defaults merged, --set applied);"
        + " secrets are shown as <redacted>.",
    footer = {"", "Example:", "  herald config --profile personal"})
final class ConfigCommand implements Callable<Integer> {
  private final CliContext ctx;

  ConfigCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin ProfileOptions profileOptions;
  @Mixin CommonOptions common;

  @Override public Integer call() {
    Wiring wiring = Wiring.load(ctx, profileOptions);
    Profile profile = wiring.profile();
    ctx.out().println("# profile " + profile.name() + " (transport " + profile.transport() + "), config "
        + wiring.config().file().map(Object::toString).orElse("built-in (no config file)"));
    for (Map.Entry<String, String> e : profile.redacted().entrySet()) {
      ctx.out().println(e.getKey() + " = " + e.getValue());
    }
    return ExitCodes.OK;
  }
}

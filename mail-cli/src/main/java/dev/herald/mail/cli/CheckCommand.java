package dev.herald.mail.cli;

import dev.herald.mail.Mailer;
import dev.herald.mail.Profile;
import dev.herald.mail.spi.TraceListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code herald check}: {@link Mailer#check()} (connect, EHLO, TLS, AUTH, QUIT), its findings in order. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Check a profile's way to its server without sending: connect, EHLO, TLS, AUTH, QUIT.",
        "Prints the capabilities, TLS version and cipher, the certificate, the AUTH mechanism used."},
    footer = {"", "Example:", "  herald check --profile personal --trace"})
final class CheckCommand implements Callable<Integer> {
  private final CliContext ctx;

  CheckCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin ProfileOptions profileOptions;
  @Option(names = "--trace", description = "Print the protocol dialogue on stderr (secrets redacted).")
  boolean trace;
  @Mixin CommonOptions common;

  @Override public Integer call() {
    Wiring wiring = Wiring.load(ctx, profileOptions);
    Profile profile = wiring.profile();
    try (Mailer mailer = wiring.mailer(profile, trace ? Wiring.printer(ctx.err()) : TraceListener.NONE)) {
      Map<String, String> found = new LinkedHashMap<>();
      found.put("profile", profile.name());
      found.putAll(mailer.check());
      if (!ctx.quiet()) {
        int width = found.keySet().stream().mapToInt(String::length).max().orElse(0);
        found.forEach((k, v) -> ctx.out().println(k + ":" + " ".repeat(width - k.length() + 1) + v));
      }
      return ExitCodes.OK;
    }
  }
}

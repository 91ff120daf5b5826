package dev.herald.mail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald auth}: the OAuth2 installed-app flow for a profile; stores its refresh token. */
@Command(name = "auth", mixinStandardHelpOptions = true,
    description = "Authorize a profile that uses OAuth2 (e.g. Gmail with auth = [xoauth2]) and store its refresh token.",
    footer = {"", "Example:", "  herald auth --profile work"})
final class AuthCommand implements Callable<Integer> {
  private final CliContext ctx;

  AuthCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin ProfileOptions profileOptions;
  @Mixin CommonOptions common;

  @Override public Integer call() {
    throw new UsageException("herald auth needs mail-oauth2, which this build does not include yet");
  }
}

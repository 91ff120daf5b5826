package dev.herald.mail.cli;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Profile;
import dev.herald.mail.oauth2.InstalledAppFlow;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald auth}: mail-oauth2's installed-app flow ({@link InstalledAppFlow}) for a profile with
 * an {@code oauth2} block; stores the refresh token where the profile says (or beside the config).
 */
@Command(name = "auth", mixinStandardHelpOptions = true,
    description = {"Authorize a profile that logs in with OAuth2 and store its refresh token.",
        "For a profile with an oauth2 block (e.g. preset = gmail with auth = [xoauth2]): prints (and opens) the"
            + " provider's consent page, waits for the redirect on 127.0.0.1, and writes the refresh token to"
            + " oauth2.refresh-token.file, readable by you only."},
    footer = {"", "Example:", "  herald auth --profile work"})
final class AuthCommand implements Callable<Integer> {
  private final CliContext ctx;

  AuthCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin ProfileOptions profileOptions;
  @Option(names = "--no-browser", description = "Only print the consent address (for a machine without a browser).")
  boolean noBrowser;
  @Mixin CommonOptions common;

  /** Tests stand in for the browser. */
  Consumer<URI> browser;

  @Override public Integer call() {
    Wiring wiring = Wiring.load(ctx, profileOptions);
    Profile profile = wiring.profile();
    if (!profile.settings().hasPath("oauth2")) {
      throw new InvalidConfigException("profile '" + profile.name() + "' has no oauth2 block, so there is nothing to"
          + " authorize; herald auth is for profiles that log in with OAuth2 (see the README's Gmail section)");
    }
    Consumer<URI> open = browser != null ? browser : noBrowser ? uri -> { } : InstalledAppFlow.desktopBrowser();
    Path file = InstalledAppFlow.authorize(profile.name(), profile.settings().getConfig("oauth2"),
        wiring.factory().resolver(wiring.warnings()), ctx.out(), open);
    ctx.out().flush();
    if (ctx.verbose()) ctx.err().println("herald: refresh token stored in " + file);
    return ExitCodes.OK;
  }
}

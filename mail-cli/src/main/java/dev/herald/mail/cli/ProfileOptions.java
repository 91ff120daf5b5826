package dev.herald.mail.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --profile}, {@code --config} and {@code --set}: which configuration a command runs with. */
final class ProfileOptions {
  @Option(names = "--profile", paramLabel = "NAME",
      description = "Profile to use (default: $HERALD_PROFILE, else herald.profile in the config).")
  String profile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (default: $HERALD_CONFIG, else $XDG_CONFIG_HOME/herald/herald.conf).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a key of the profile for this run, e.g. --set port=2525 "
          + "(keys starting with 'herald.' are from the root). Repeatable.")
  List<String> sets = new ArrayList<>();
}

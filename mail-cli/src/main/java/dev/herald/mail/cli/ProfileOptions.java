package dev.herald.mail.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --profile}, {@code --config} and {@code --set}: which configuration a command runs with. A
 * mixin for the annotated commands; {@link #addTo} adds the same options to a command written as code.
 */
final class ProfileOptions {
  private static final String PROFILE = "Profile to use (default: $HERALD_PROFILE, else herald.profile in the config).";
  private static final String CONFIG = "Config file (default: $HERALD_CONFIG, else $XDG_CONFIG_HOME/herald/herald.conf).";
  private static final String SET = "Override a key of the profile for this run, e.g. --set port=2525 "
      + "(keys starting with 'herald.' are from the root). Repeatable.";

  @Option(names = "--profile", paramLabel = "NAME", description = PROFILE)
  String profile;

  @Option(names = "--config", paramLabel = "FILE", description = CONFIG)
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = SET)
  List<String> sets = new ArrayList<>();

  /** The same three options, bound to {@code o}, for a command modelled in code ({@link Specs}). */
  static void addTo(CommandSpec spec, ProfileOptions o) {
    spec.addOption(Specs.single(Specs.names("--profile"), "NAME", PROFILE, String.class, () -> o.profile, v -> o.profile = v).build());
    spec.addOption(Specs.single(Specs.names("--config"), "FILE", CONFIG, Path.class, () -> o.config, v -> o.config = v).build());
    spec.addOption(Specs.list(Specs.names("--set"), "KEY=VALUE", SET, String.class, () -> o.sets, v -> o.sets = v).build());
  }
}

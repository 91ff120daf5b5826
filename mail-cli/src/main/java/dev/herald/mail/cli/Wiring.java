package dev.herald.mail.cli;

import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.Mailer;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Profile;
import dev.herald.mail.spi.TraceListener;

/**
 * The configuration of one run and, on demand, its {@link MailerFactory}: the user's file (or
 * {@code --config}) with the {@code --set} keys over it, the profile chosen by {@code --profile},
 * {@code $HERALD_PROFILE} or {@code herald.profile}, and the factory over the providers found on the
 * class path. The CLI decides nothing about mail here; it only gathers the inputs.
 */
final class Wiring {
  private final CliContext ctx;
  private final HeraldConfig config;
  private final String profileName;
  private final boolean warnings;
  private MailerFactory factory;

  private Wiring(CliContext ctx, HeraldConfig config, String profileName) {
    this.ctx = ctx;
    this.config = config;
    this.profileName = profileName;
    this.warnings = warningsOn(config);
  }

  /** {@code herald.warnings}: on (the default) or off. */
  private static boolean warningsOn(HeraldConfig config) {
    try {
      return config.root().getBoolean("herald.warnings");
    } catch (com.typesafe.config.ConfigException e) {
      com.typesafe.config.ConfigValue v = config.root().getValue("herald.warnings");
      throw new dev.herald.mail.InvalidConfigException("herald.warnings at " + v.origin().description()
          + " must be on or off, got " + v.render(com.typesafe.config.ConfigRenderOptions.concise()), e);
    }
  }

  /** Where the configuration's warnings go: the run's stderr, or nowhere with {@code herald.warnings = off}. */
  java.util.function.Consumer<String> warnings() {
    return warnings ? ctx::warn : w -> { };
  }

  static Wiring load(CliContext ctx, ProfileOptions options) {
    Overrides overrides = Overrides.parse(options.sets);
    HeraldConfig config = HeraldConfig.load(options.config, ctx.env(), overrides.root());
    String name = options.profile == null || options.profile.isBlank() ? config.defaultProfileName() : options.profile;
    if (overrides.hasProfileKeys()) {
      if (!config.profileNames().contains(name)) config.profile(name); // fails, naming the known profiles
      config = HeraldConfig.load(options.config, ctx.env(), overrides.forProfile(name));
    }
    return new Wiring(ctx, config, name);
  }

  HeraldConfig config() { return config; }

  /** {@code herald.stdin-limit} (mail-cli's reference.conf): the most one input (stdin, a body file) may hold, in bytes. */
  long stdinLimit() {
    String key = "herald.stdin-limit";
    try {
      long limit = config.root().getBytes(key);
      if (limit <= 0) throw new InvalidConfigException(key + " must be a positive size such as 100MiB");
      return limit;
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidConfigException(key + " must be a size such as 100MiB (" + e.getMessage() + ")", e);
    }
  }

  String profileName() { return profileName; }

  Profile profile() { return config.profile(profileName); }

  /**
   * The run's factory (made on first use). Wired by hand rather than by a Guice injector over
   * {@code MailModule}: that module binds exactly the instances {@link dev.herald.mail.Providers} found, so
   * the injector added nothing but ~480 classes (Guice, Guava) and a thread's worth of start-up.
   */
  MailerFactory factory() {
    if (factory == null) factory = MailerFactory.of(ctx.providers(), config); // providers() reports what failed to load
    return factory;
  }

  /** The chosen profile's mailer; {@code trace} receives the protocol dialogue. */
  Mailer mailer(Profile profile, TraceListener trace) {
    return factory().create(profile, trace, warnings());
  }

  /** Prints the dialogue on stderr, one line each way, as {@code > }, {@code < } and {@code * }. */
  static TraceListener printer(java.io.PrintStream err) {
    return (direction, line) -> {
      String prefix = switch (direction) {
        case CLIENT -> "> ";
        case SERVER -> "< ";
        case INFO -> "* ";
      };
      err.println(prefix + line);
    };
  }
}

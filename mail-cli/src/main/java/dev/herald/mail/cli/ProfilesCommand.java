package dev.herald.mail.cli;

import com.typesafe.config.Config;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.MailException;
import dev.herald.mail.Profile;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald profiles}: the profiles and presets the configuration knows, the default marked. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
    description = "List the profiles and presets; '*' marks the default profile.",
    footer = {"", "Examples:", "  herald profiles", "  herald profiles --names     # one name a line, for scripts and completion"})
final class ProfilesCommand implements Callable<Integer> {
  private final CliContext ctx;

  ProfilesCommand(CliContext ctx) { this.ctx = ctx; }

  @Mixin ProfileOptions profileOptions;
  @Mixin CommonOptions common;

  @picocli.CommandLine.Option(names = "--names", description = "Print only the profile names, one a line.")
  boolean names;

  @Override public Integer call() {
    Wiring wiring = Wiring.load(ctx, profileOptions);
    HeraldConfig config = wiring.config();
    PrintStream out = ctx.out();
    if (names) {
      config.profileNames().forEach(out::println);
      return ExitCodes.OK;
    }
    out.println("profiles (" + config.file().map(f -> "from " + f).orElse("built-in; no config file") + "):");
    int width = Math.max(8, config.profileNames().stream().mapToInt(String::length).max().orElse(0));
    for (String name : config.profileNames()) {
      String mark = name.equals(wiring.profileName()) ? "* " : "  ";
      String what;
      try {
        what = summary(config.profile(name));
      } catch (MailException e) {
        what = "invalid: " + e.getMessage();
      }
      out.println(mark + pad(name, width) + "  " + what);
    }
    if (!config.profileNames().contains(wiring.profileName())) {
      out.println("  (the default profile '" + wiring.profileName() + "' does not exist)");
    }
    out.println("presets (use with preset = NAME in a profile):");
    int pw = Math.max(8, config.presetNames().stream().mapToInt(String::length).max().orElse(0));
    for (String name : config.presetNames()) {
      Config preset = config.root().getConfig(com.typesafe.config.ConfigUtil.joinPath("herald", "presets", name));
      String parent = preset.hasPath("preset") ? "  (preset " + preset.getString("preset") + ")" : "";
      String d = preset.hasPath("description") ? "  - " + preset.getString("description") : "";
      out.println(("  " + pad(name, pw) + "  " + endpoint(effective(config, name, preset)) + parent + d).stripTrailing());
    }
    if (config.presetNames().isEmpty()) out.println("  (none)");
    return ExitCodes.OK;
  }

  /**
   * The preset as a profile made of it alone would see it: its own keys over the presets it names over
   * its transport's defaults ({@code gmail-implicit} shows gmail's host). A preset that does not resolve
   * alone is shown as written.
   */
  private static Config effective(HeraldConfig config, String name, Config preset) {
    try {
      return config.profile("preset " + name, com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("preset", name)))
          .settings();
    } catch (MailException e) {
      return preset;
    }
  }

  private static String summary(Profile p) {
    Config s = p.settings();
    StringBuilder sb = new StringBuilder(p.transport());
    String endpoint = endpoint(s);
    if (!endpoint.isEmpty()) sb.append("  ").append(endpoint);
    if (s.hasPath("preset")) sb.append("  (preset ").append(s.getString("preset")).append(')');
    if (s.hasPath("from")) sb.append("  from ").append(s.getString("from"));
    if (s.hasPath("description")) sb.append("  - ").append(s.getString("description"));
    return sb.toString();
  }

  private static String endpoint(Config s) {
    StringBuilder sb = new StringBuilder();
    if (s.hasPath("host")) sb.append(s.getAnyRef("host"));
    if (s.hasPath("port")) sb.append(':').append(s.getAnyRef("port"));
    if (s.hasPath("tls")) sb.append(" tls=").append(s.getAnyRef("tls"));
    if (s.hasPath("directory") && !s.hasPath("host")) sb.append(s.getAnyRef("directory"));
    if (sb.isEmpty() && s.hasPath("transport")) sb.append("transport ").append(s.getAnyRef("transport"));
    return sb.toString().strip();
  }

  private static String pad(String s, int w) { return s + " ".repeat(Math.max(0, w - s.length())); }
}

package dev.herald.mail.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli models written as code, for the commands whose start-up counts ({@code herald},
 * {@code herald send} and {@code herald sendmail}). picocli's annotation model is the same model built by reflection: reading
 * the annotations of every option field cold was a quarter of the start-up of a send. The other
 * commands keep their annotations.
 */
final class Specs {
  private Specs() {}

  /** A command with the usual {@code -h/--help} and {@code -V/--version}, options in the order added. */
  static CommandSpec command(Object userObject, String name, String[] description, String[] footer) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(userObject).name(name);
    spec.usageMessage().description(description).footer(footer).sortOptions(false);
    return spec;
  }

  /** Adds {@code -h/--help} and {@code -V/--version} last, as picocli's {@code mixinStandardHelpOptions} does. */
  static void standardHelp(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
        .description("Print version information and exit.").build());
  }

  /** An option with one value, written through {@code set}. */
  static <T> OptionSpec.Builder single(String[] names, String label, String description, Class<T> type,
      Supplier<T> get, Consumer<T> set) {
    return bind(OptionSpec.builder(names).paramLabel(label).description(description).type(type)
        .initialValue(get.get()), get, set);
  }

  /** A repeatable option collected into the list that {@code get} returns. */
  static <T> OptionSpec.Builder list(String[] names, String label, String description, Class<T> element,
      Supplier<List<T>> get, Consumer<List<T>> set) {
    return bind(OptionSpec.builder(names).paramLabel(label).description(description)
        .type(List.class).auxiliaryTypes(element).initialValue(get.get()), get, set);
  }

  /** Positional parameters collected into the list that {@code get} returns. */
  static PositionalParamSpec positionals(String label, String arity, String description,
      Supplier<List<String>> get, Consumer<List<String>> set) {
    return PositionalParamSpec.builder().paramLabel(label).arity(arity).description(description)
        .type(List.class).auxiliaryTypes(String.class).initialValue(get.get())
        .getter(getter(get)).setter(setter(get, set)).build();
  }

  /** A flag. */
  static OptionSpec.Builder flag(String[] names, String description, Consumer<Boolean> set) {
    boolean[] value = new boolean[1];
    return bind(OptionSpec.builder(names).description(description).type(boolean.class).arity("0").initialValue(false),
        () -> value[0], v -> {
          value[0] = v != null && v;
          set.accept(value[0]);
        });
  }

  static String[] names(String... names) { return names; }

  private static <T> OptionSpec.Builder bind(OptionSpec.Builder option, Supplier<T> get, Consumer<T> set) {
    return option.getter(getter(get)).setter(setter(get, set));
  }

  @SuppressWarnings("unchecked")
  private static <T> IGetter getter(Supplier<T> get) {
    return new IGetter() {
      @Override public <R> R get() { return (R) get.get(); }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> ISetter setter(Supplier<T> get, Consumer<T> set) {
    return new ISetter() {
      @Override public <R> R set(R value) {
        R old = (R) get.get();
        set.accept((T) value);
        return old;
      }
    };
  }
}

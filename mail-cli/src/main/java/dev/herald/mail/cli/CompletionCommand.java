package dev.herald.mail.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herald completion bash|zsh}: the completion script picocli generates from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script.",
    footer = {"", "Examples:", "  source <(herald completion bash)        # in ~/.bashrc",
        "  source <(herald completion zsh)         # in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  private final CliContext ctx;

  CompletionCommand(CliContext ctx) { this.ctx = ctx; }

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh (the script serves both; zsh through bashcompinit).")
  Shell shell;

  @Override public Integer call() {
    CommandLine root = spec.root().commandLine();
    // picocli generates one script for both shells: under zsh it loads bashcompinit itself.
    ctx.out().print(withProfileNames(AutoComplete.bash("herald", root)));
    return ExitCodes.OK;
  }

  /** What picocli writes for an option it has no candidates for: nothing to complete. */
  private static final String PROFILE_STATIC = "    '--profile')\n      return\n      ;;\n";

  /**
   * picocli's candidates are fixed when the script is made, but profiles live in the user's config:
   * {@code --profile <TAB>} asks the same herald for them ({@code herald profiles --names}) as it completes.
   */
  static String withProfileNames(String script) {
    if (!script.contains(PROFILE_STATIC)) {
      throw new IllegalStateException("picocli's completion script changed: --profile's case not found");
    }
    return script.replace(PROFILE_STATIC, """
            '--profile')
              local IFS=$'\\n'
              COMPREPLY=( $( compgen -W "$("${COMP_WORDS[0]}" profiles --names 2>/dev/null)" -- "${curr_word}" ) )
              return 0
              ;;
        """);
  }
}

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
    ctx.out().print(AutoComplete.bash("herald", root));
    return ExitCodes.OK;
  }
}

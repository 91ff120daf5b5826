package dev.herald.mail.cli.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A command line as a user pastes it: bash reads it (quotes, escapes, continuation lines) and each
 * {@code herald …} command in it becomes the argument list bash would have passed, to run in-process.
 */
public final class Shell {
  private Shell() {}

  /** The argument lists of the {@code herald} commands that bash runs for {@code script}, in order. */
  public static List<List<String>> heraldCommands(String script) {
    Path bash = Path.of("/bin/bash");
    Assumptions.assumeTrue(Files.isExecutable(bash), "needs /bin/bash to read a command line as a shell does");
    String prelude = "herald() { printf 'herald\\0'; printf '%s\\0' \"$@\"; printf '\\1\\0'; }\n";
    try {
      Process p = new ProcessBuilder(bash.toString(), "-c", prelude + script).redirectErrorStream(false).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("bash did not finish: " + script);
      }
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) throw new AssertionError("bash could not read: " + script + "\n" + err);
      List<List<String>> commands = new ArrayList<>();
      List<String> current = null;
      for (String word : out.toString(StandardCharsets.UTF_8).split("\0", -1)) {
        if (word.equals("herald") && current == null) current = new ArrayList<>();
        else if (word.equals("\1") && current != null) { commands.add(current); current = null; }
        else if (current != null) current.add(word);
      }
      return commands;
    } catch (IOException e) {
      throw new AssertionError("cannot run bash: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The one {@code herald} command of {@code line}. */
  public static String[] heraldCommand(String line) {
    List<List<String>> all = heraldCommands(line);
    if (all.size() != 1) throw new AssertionError("expected one herald command in: " + line + "; found " + all);
    return all.get(0).toArray(String[]::new);
  }
}

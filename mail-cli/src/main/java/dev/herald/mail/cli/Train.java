package dev.herald.mail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run for the AppCDS archive that bin/herald builds next to the jar: runs the commands a
 * user runs most (send, sendmail) in-process, so that the classes they load are archived. Sends
 * nothing off this machine: the messages go to a temporary outbox.
 */
public final class Train {
  private Train() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("herald-train");
    try {
      String outbox = "directory=" + dir.resolve("outbox");
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.toString());
      run(env, sink, "", "send", "--profile", "outbox", "--set", outbox, "--to", "Ann <ann@example.com>",
          "--subject", "training run ü", "--text", "body", "-q");
      run(env, sink, "To: a@example.com\nSubject: hi\n\nbody\n", "sendmail", "--set", outbox, "-t", "-f", "b@example.com");
      run(env, sink, "", "--version");
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Map<String, String> env, ByteArrayOutputStream sink, String stdin, String... args) {
    CliContext ctx = new CliContext(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), sink, sink, env,
        false, CliContext::discoverOnce);
    int code = Main.run(ctx, args);
    if (code != 0) System.err.println("herald: training run '" + args[0] + "' exited " + code + ": " + sink);
  }
}

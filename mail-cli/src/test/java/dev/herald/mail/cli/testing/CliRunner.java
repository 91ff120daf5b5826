package dev.herald.mail.cli.testing;

import dev.herald.mail.cli.CliContext;
import dev.herald.mail.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code herald} in-process with captured streams, a given stdin and an environment of its own. */
public final class CliRunner {
  private final Map<String, String> env = new HashMap<>();
  private byte[] stdin = new byte[0];
  private boolean terminal = true;

  /** {@code home} stands in for the config directory, so that the developer's own herald.conf is never read. */
  public CliRunner(Path home) {
    env.put("XDG_CONFIG_HOME", home.toString());
  }

  public CliRunner env(String name, String value) { env.put(name, value); return this; }

  /** Stdin as a pipe (not a terminal) with this content. */
  public CliRunner stdin(String content) { return stdin(content.getBytes(StandardCharsets.UTF_8)); }

  public CliRunner stdin(byte[] content) { this.stdin = content.clone(); this.terminal = false; return this; }

  /** Stdin is a terminal (nothing is read from it). */
  public CliRunner terminal() { this.terminal = true; this.stdin = new byte[0]; return this; }

  public Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new ByteArrayInputStream(stdin), out, err, env, terminal, CliContext::discoverOnce);
    int code = Main.run(ctx, args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
  }

  /** What a run printed and returned. */
  public record Result(int code, String out, String err, byte[] outBytes) {
    @Override public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
  }
}

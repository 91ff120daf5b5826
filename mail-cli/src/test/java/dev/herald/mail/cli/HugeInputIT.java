package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.testkit.MockSmtpServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 3: stdin (and a password file, and a password command's output) was read without a
 * limit: {@code < /dev/zero} ended in a raw OutOfMemoryError trace, exit 1. The packaged jar in a
 * JVM of its own, with a small heap where that is the point: one line and a hint, 65 or 74, never a trace.
 */
class HugeInputIT {
  @TempDir Path tmp;

  record Run(int code, String out, String err) { }

  private Run run(String xmx, File stdin, String... args) throws Exception {
    Path jar = Path.of(System.getProperty("herald.jar", "target/herald.jar"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + xmx, "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().remove("HERALD_PROFILE");
    pb.environment().remove("HERALD_CONFIG");
    pb.environment().put("XDG_CONFIG_HOME", tmp.toString());
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectInput(stdin).redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void assertOneLineAndHint(Run r, int code, String text) {
    assertEquals(code, r.code(), r::toString);
    assertTrue(r.err().contains(text), r::toString);
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat ") || r.err().contains("Error:"), r::toString);
    assertTrue(r.err().lines().count() <= 2, r::toString);
    assertTrue(r.err().lines().allMatch(l -> l.startsWith("herald: ")), r::toString);
  }

  private static final File ZERO = new File("/dev/zero");

  @Test void sendBodyFromDevZeroInASmallHeapIsOutOfMemoryInOneLine() throws Exception {
    Run r = run("48m", ZERO, "send", "--dry-run", "--to", "a@example.com", "--subject", "s");
    assertOneLineAndHint(r, 74, "herald: out of memory (Java heap of ");
  }

  @Test void sendmailFromDevZeroInASmallHeapIsOutOfMemoryInOneLine() throws Exception {
    Run r = run("48m", ZERO, "sendmail", "-t");
    assertOneLineAndHint(r, 74, "herald: out of memory (Java heap of ");
  }

  @Test void theDefaultLimitStopsDevZeroWhereTheHeapWouldNot() throws Exception {
    Run r = run("512m", ZERO, "sendmail", "-t");
    assertOneLineAndHint(r, 65, "herald: the message on stdin is larger than 100MiB, herald's limit for one input;"
        + " if it is meant to be sent, raise it with --set herald.stdin-limit=200MiB");
  }

  @Test void aLowerLimitIsConfigurable() throws Exception {
    Run r = run("48m", ZERO, "send", "--dry-run", "--to", "a@example.com", "--subject", "s", "--set", "herald.stdin-limit=1MiB");
    assertOneLineAndHint(r, 65, "herald: the body on stdin is larger than 1MiB");
    Path small = Files.write(tmp.resolve("small.txt"), new byte[1000]);
    Run fine = run("48m", small.toFile(), "send", "--dry-run", "--to", "a@example.com", "--subject", "s",
        "--set", "herald.stdin-limit=1KiB");
    assertEquals(0, fine.code(), fine::toString);
  }

  /** A send through a server that offers AUTH (the secret is read only when it is needed), the password given as {@code password}. */
  private Run sendWithPassword(String password) throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().user("u", "pw").build().start()) {
      Path conf = Files.writeString(tmp.resolve("herald.conf"), "herald.profiles.z { transport = smtp, host = \"127.0.0.1\","
          + " port = " + server.port() + ", tls = none, username = u, " + password + ", from = \"a@example.com\" }\n");
      return run("48m", new File("/dev/null"), "send", "--config", conf.toString(), "--profile", "z",
          "--to", "a@example.com", "--subject", "s", "--text", "t");
    }
  }

  @Test void aPasswordFileOfDevZeroIsAConfigErrorWithoutAChmodHint() throws Exception {
    Run r = sendWithPassword("password.file = /dev/zero");
    assertOneLineAndHint(r, 78, "has no line break in its first 64 KiB");
    assertFalse(r.err().contains("chmod"), r::toString);
  }

  @Test void aPasswordCommandThatPrintsMegabytesIsAConfigError() throws Exception {
    assertOneLineAndHint(sendWithPassword("password.command = \"head -c 50000000 /dev/zero\""), 78,
        "printed more than 64 KiB without a line break");
  }

  /** A StackOverflowError (here from the HOCON parser, on a config nested 50,000 deep) is two lines and 70, not a JVM trace. */
  @Test void aStackOverflowIsAnInternalErrorInTwoLines() throws Exception {
    Path conf = Files.writeString(tmp.resolve("deep.conf"), "herald.profiles.x { transport = file, headers { a = "
        + "[".repeat(50_000) + " } }\n");
    Run r = run("48m", new File("/dev/null"), "config", "--config", conf.toString(), "--profile", "x");
    assertOneLineAndHint(r, 70, "herald: internal error: java.lang.StackOverflowError");
  }
}

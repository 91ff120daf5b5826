package dev.herald.mail.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Verifies DKIM signatures with dkimpy (Debian's {@code python3-dkim}), an implementation that
 * shares no code with ours. Debian's own {@code /usr/bin/python3} is used, since the {@code python3}
 * on PATH may be another interpreter without Debian's modules. Tests that need it skip with the reason
 * when it is missing ({@code .ci/run} installs it).
 */
public final class Dkimpy {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Boolean available;
  private static Path script;

  private Dkimpy() {}

  /** The verdict: {@code pass}, or {@code fail: …} with dkimpy's last log lines. */
  public record Verdict(boolean pass, String output) { }

  /** Skips the calling test when dkimpy is not installed. */
  public static synchronized void assumeAvailable() {
    if (available == null) {
      available = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import dkim, nacl; print('pass')"), new byte[0]).pass();
    }
    assumeTrue(available, "dkimpy is not installed: apt-get install python3-dkim (.ci/run does it)");
  }

  /**
   * Verifies the first signature of {@code message}; {@code dns} maps names such as
   * {@code s1._domainkey.example.org} to their TXT text ({@code v=DKIM1; k=…; p=…}).
   */
  public static Verdict verify(byte[] message, Map<String, String> dns) {
    return verifyAll(List.of(message), dns).get(0);
  }

  /** Verifies several messages in one run of the verifier (starting Python costs more than checking). */
  public static List<Verdict> verifyAll(List<byte[]> messages, Map<String, String> dns) {
    assumeAvailable();
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
    dns.forEach((name, txt) -> cmd.add(name + "=" + txt));
    cmd.add("--");
    List<Path> files = new ArrayList<>();
    try {
      for (byte[] m : messages) {
        Path f = Files.createTempFile("dkim-message", ".eml");
        files.add(f);
        Files.write(f, m);
        cmd.add(f.toString());
      }
      Verdict all = run(cmd, new byte[0]);
      List<String> lines = all.output().lines().toList();
      List<Verdict> out = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        String line = i < lines.size() ? lines.get(i) : "no verdict: " + all.output();
        out.add(new Verdict(line.equals("pass"), line));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (Path f : files) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // a temporary file; the OS cleans up
        }
      }
    }
  }

  private static synchronized Path script() {
    if (script == null) {
      try (InputStream in = Dkimpy.class.getResourceAsStream("dkim_verify.py")) {
        Path p = Files.createTempFile("dkim_verify", ".py");
        p.toFile().deleteOnExit();
        Files.write(p, in.readAllBytes());
        script = p;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return script;
  }

  private static Verdict run(List<String> cmd, byte[] stdin) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try (InputStream in = p.getInputStream()) {
          in.transferTo(out);
        } catch (IOException ignored) {
          // the process died; its exit code tells
        }
      });
      reader.start();
      try (OutputStream w = p.getOutputStream()) {
        w.write(stdin);
      } catch (IOException ignored) {
        // the verifier stopped reading; its output says why
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Verdict(false, "dkimpy timed out");
      }
      reader.join(5000);
      String text = out.toString(StandardCharsets.UTF_8).strip();
      return new Verdict(p.exitValue() == 0 && text.startsWith("pass"), text);
    } catch (IOException e) {
      return new Verdict(false, "cannot run " + cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verdict(false, "interrupted");
    }
  }
}

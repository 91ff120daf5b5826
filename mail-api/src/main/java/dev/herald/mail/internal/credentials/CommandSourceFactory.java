package dev.herald.mail.internal.credentials;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code password.command = "pass show mail/bot"}: the first line a command prints, as msmtp's
 * {@code passwordeval}. Run once and cached until the server rejects it; bounded by a timeout.
 */
public final class CommandSourceFactory implements CredentialSourceFactory {
  static final long TIMEOUT_SECONDS = 30;

  @Override public String name() { return "command"; }

  @Override public CredentialSource create(ConfigValue value, String path, Resolver resolver) {
    String command = ConfigValues.string(value, path, "a shell command");
    String where = path + " at " + ConfigValues.where(value);
    return new CredentialSource() {
      private Secret cached;

      @Override public synchronized Secret get() {
        if (cached == null) cached = run(command, where);
        return cached;
      }

      @Override public synchronized void invalidate() { cached = null; }

      @Override public String describe() { return CommandSourceFactory.describe(command); }

      @Override public String toString() { return "CredentialSource[" + describe() + "]"; }
    };
  }

  /**
   * How a command source shows itself (in {@code herald config}, errors, traces): the command is not
   * a secret itself, but it may carry one as an argument, so its program only.
   */
  public static String describe(String command) {
    String program = command.strip().split("\\s+", 2)[0];
    return "command:" + program + (program.length() < command.strip().length() ? " …" : "");
  }

  static Secret run(String command, String where) {
    return run(command, where, TIMEOUT_SECONDS);
  }

  static Secret run(String command, String where, long timeoutSeconds) {
    Process p;
    try {
      p = new ProcessBuilder("sh", "-c", command).start();
    } catch (IOException e) {
      throw new InvalidConfigException("cannot run the password command (" + where + "): " + e.getMessage(), e);
    }
    try {
      // No input: our stdin may be the message (sendmail mode), and a command waiting on it would hang.
      p.getOutputStream().close();
      Drain out = new Drain(p.getInputStream());
      Drain err = new Drain(p.getErrorStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        killTree(p);
        throw new InvalidConfigException("the password command (" + where + ") did not finish within "
            + timeoutSeconds + " s");
      }
      out.join(1000);
      err.join(1000);
      String stderr = err.text().strip();
      if (p.exitValue() != 0) {
        throw new InvalidConfigException("the password command (" + where + ") failed with exit code "
            + p.exitValue() + (stderr.isEmpty() ? "" : ": " + lastLines(stderr)));
      }
      String stdout = out.text();
      int nl = stdout.indexOf('\n');
      if (nl < 0 && out.truncated()) {
        throw new InvalidConfigException("the password command (" + where + ") printed more than "
            + (Drain.LIMIT >> 10) + " KiB without a line break; a secret is its first line");
      }
      String line = (nl < 0 ? stdout : stdout.substring(0, nl)).strip();
      if (line.isEmpty()) throw new InvalidConfigException("the password command (" + where + ") printed nothing");
      return Secret.of(line);
    } catch (IOException e) {
      killTree(p);
      throw new InvalidConfigException("cannot run the password command (" + where + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      killTree(p);
      Thread.currentThread().interrupt();
      throw new InvalidConfigException("interrupted while running the password command (" + where + ")", e);
    }
  }

  /**
   * Kills the command and everything it started, descendants first: killing {@code sh} alone left a
   * hung {@code sleep} or {@code gpg} re-parented to init, holding our pipes open.
   */
  static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String lastLines(String s) {
    String[] lines = s.split("\n");
    int from = Math.max(0, lines.length - 2);
    return String.join(" / ", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  /** Reads a process stream on a daemon thread so a chatty command cannot fill its pipe and stall. */
  private static final class Drain extends Thread {
    private final InputStream in;
    static final int LIMIT = 1 << 16;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private boolean truncated;

    Drain(InputStream in) {
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override public void run() {
      try (in) {
        byte[] b = new byte[4096];
        for (int n; (n = in.read(b)) > 0; ) {
          synchronized (this) {
            if (buf.size() < LIMIT) buf.write(b, 0, n);
            else truncated = true;
          }
        }
      } catch (IOException ignored) {
        // The process ended or was killed; what was read is what we report.
      }
    }

    synchronized String text() { return buf.toString(StandardCharsets.UTF_8); }

    /** Whether the command printed more than {@link #LIMIT} bytes (the rest was read and dropped). */
    synchronized boolean truncated() { return truncated; }
  }
}

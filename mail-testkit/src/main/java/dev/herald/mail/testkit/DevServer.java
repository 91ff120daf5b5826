package dev.herald.mail.testkit;

import dev.herald.mail.internal.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A local inbox for development, like Mailpit: runs a {@link MockSmtpServer} on a fixed loopback
 * port, prints one line per message and optionally saves each as an {@code .eml} file.
 *
 * <pre>
 * java -cp mail-testkit.jar:… dev.herald.mail.testkit.DevServer --port 2525 --tls --auth bob:secret --save ./inbox
 * </pre>
 *
 * <p>The logic is here for reuse ({@code herald dev-server} wraps {@link #run}); {@link #main}
 * only parses arguments.
 */
public final class DevServer implements AutoCloseable {

  /** What to start; {@link #parse} reads it from command-line arguments. */
  public record Options(int port, MockSmtpServer.TlsMode tls, String user, String password, Path saveDir) {
    public Options {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
      if (tls == null) tls = MockSmtpServer.TlsMode.NONE;
      if ((user == null) != (password == null)) throw new IllegalArgumentException("give both a user and a password");
    }

    /** Port 2525, plaintext, no AUTH, nothing saved. */
    public static Options defaults() { return new Options(2525, MockSmtpServer.TlsMode.NONE, null, null, null); }

    public Options withPort(int p) { return new Options(p, tls, user, password, saveDir); }
    public Options withTls(MockSmtpServer.TlsMode t) { return new Options(port, t, user, password, saveDir); }
    public Options withAuth(String u, String p) { return new Options(port, tls, u, p, saveDir); }
    public Options withSaveDir(Path d) { return new Options(port, tls, user, password, d); }

    /**
     * Parses {@code --port N}, {@code --tls} (STARTTLS), {@code --implicit-tls}, {@code --auth USER:PASS}
     * and {@code --save DIR}.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static Options parse(String... args) {
      Options o = defaults();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--port" -> {
            String v = value(args, ++i, a);
            try {
              o = o.withPort(Integer.parseInt(v));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--port expects a number, got '" + v + "'");
            }
          }
          case "--tls" -> o = o.withTls(MockSmtpServer.TlsMode.STARTTLS);
          case "--implicit-tls" -> o = o.withTls(MockSmtpServer.TlsMode.IMPLICIT);
          case "--auth" -> {
            String v = value(args, ++i, a);
            int colon = v.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--auth expects USER:PASS, got '" + v + "'");
            o = o.withAuth(v.substring(0, colon), v.substring(colon + 1));
          }
          case "--save" -> o = o.withSaveDir(Path.of(value(args, ++i, a)));
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
        }
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
      return args[i];
    }

    @Override public String toString() {
      return "Options[port=" + port + ", tls=" + tls + ", user=" + user + ", password=" + (password == null ? "none" : "<redacted>")
          + ", saveDir=" + saveDir + "]";
    }
  }

  public static final String USAGE =
      "usage: dev-server [--port 2525] [--tls | --implicit-tls] [--auth USER:PASS] [--save DIR]";

  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

  private final MockSmtpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  private DevServer(MockSmtpServer server) { this.server = server; }

  /** Starts the inbox and prints where it listens; returns at once. */
  public static DevServer start(Options options, PrintStream out) {
    if (options.saveDir() != null) {
      try {
        Files.createDirectories(options.saveDir());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot create " + options.saveDir() + ": " + e.getMessage(), e);
      }
    }
    MockSmtpServer.Builder b = MockSmtpServer.builder().tls(options.tls()).maxRecordedMessages(100).maxTranscriptLines(10_000);
    if (options.user() != null) b.user(options.user(), options.password()).authMechanisms("PLAIN", "LOGIN");
    else b.authMechanisms();
    b.onMessage(m -> report(m, options.saveDir(), out));
    MockSmtpServer server = b.build().start(options.port());
    out.println("herald dev-server listening on " + server.host() + ":" + server.port()
        + " (tls=" + options.tls().profileValue() + ", auth=" + (options.user() == null ? "none" : options.user())
        + (options.saveDir() == null ? "" : ", saving to " + options.saveDir()) + ")");
    if (options.tls() != MockSmtpServer.TlsMode.NONE) {
      out.println("certificate (self-signed, for localhost and 127.0.0.1): " + server.certificateFile());
    }
    out.println("profile: herald.profiles.dev " + profile(options, server.host(), server.port(), server.certificateFile()));
    out.println("try: " + tryCommand(options, server.host(), server.port(), server.certificateFile()));
    out.flush();
    return new DevServer(server);
  }

  /**
   * A complete profile aimed at the inbox, as a HOCON object for {@code herald.conf}: transport, host,
   * port, TLS (trusting the inbox's certificate), a {@code from}, and the credentials it requires.
   */
  public static String profile(Options options, String host, int port, Path certificate) {
    StringBuilder sb = new StringBuilder("{ transport = smtp, host = ").append(quote(host)).append(", port = ").append(port)
        .append(", tls = ").append(options.tls().profileValue());
    if (options.tls() != MockSmtpServer.TlsMode.NONE) sb.append(", tls-trust = ").append(quote(certificate.toString()));
    sb.append(", from = ").append(quote("Dev <dev@localhost>"));
    if (options.user() != null) {
      sb.append(", username = ").append(quote(options.user())).append(", password = ").append(quote(options.password()));
    }
    return sb.append(" }").toString();
  }

  /** A {@code herald send} command line that sends one message to the inbox, pasted into a shell as is. */
  public static String tryCommand(Options options, String host, int port, Path certificate) {
    String set = "herald.profiles.dev=" + profile(options, host, port, certificate);
    return "herald send --set '" + set.replace("'", "'\\''") + "' --profile dev --to you@example.net"
        + " --subject Hello --text 'Hello from herald'";
  }

  private static String quote(String s) { return com.typesafe.config.ConfigUtil.quoteString(s); }

  /** Starts the inbox and blocks until the thread is interrupted (then closes it). */
  public static void run(Options options, PrintStream out) throws InterruptedException {
    try (DevServer d = start(options, out)) {
      d.awaitClose();
    }
  }

  public MockSmtpServer server() { return server; }

  /** Blocks until {@link #close()} (from another thread) or an interrupt. */
  public void awaitClose() throws InterruptedException { closed.await(); }

  @Override public void close() {
    server.close();
    closed.countDown();
  }

  /**
   * The summary line for a message: {@code received <ID> from SENDER to RCPT… (N bytes, tls=…, auth=…)}.
   * Everything in it came from the network, so control characters are escaped (no terminal escapes).
   */
  public static String summary(RecordedMessage m) {
    String id = m.header("Message-ID").orElse("(no Message-ID)");
    String from = m.envelope().sender().isEmpty() ? "<>" : m.envelope().sender();
    return Printable.escape("received " + id + " from " + from + " to " + String.join(", ", m.envelope().recipients())
        + " (" + m.size() + " bytes, tls=" + m.tls() + ", auth=" + m.authenticatedUser().orElse("none") + ")");
  }

  private static void report(RecordedMessage m, Path saveDir, PrintStream out) {
    StringBuilder line = new StringBuilder(summary(m));
    if (saveDir != null) {
      Path file = saveDir.resolve(FILE_TIME.format(LocalDateTime.now()) + "-" + m.index() + ".eml");
      try {
        Files.write(file, m.raw());
        line.append(System.lineSeparator()).append("  saved ").append(file);
      } catch (IOException e) {
        line.append(System.lineSeparator()).append("  could not save ").append(file).append(": ").append(e.getMessage());
      }
    }
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      if (!e.getMessage().contains("usage:")) System.err.println(USAGE);
      System.exit(64); // EX_USAGE
      return;
    }
    DevServer d;
    try {
      d = start(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("dev-server: " + e.getMessage());
      System.exit(69); // EX_UNAVAILABLE
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(d::close, "dev-server-shutdown"));
    d.awaitClose();
  }
}

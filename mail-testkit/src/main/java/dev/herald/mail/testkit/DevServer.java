package dev.herald.mail.testkit;

import dev.herald.mail.Printable;
import dev.herald.mail.testkit.internal.inbox.InboxServer;
import dev.herald.mail.testkit.internal.inbox.InboxStore;
import dev.herald.mail.testkit.internal.inbox.StoredMessage;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A local inbox for development, like Mailpit: runs a {@link MockSmtpServer} on a fixed loopback
 * port, prints one line per message, optionally saves each as an {@code .eml} file, and optionally
 * serves a web inbox (page and JSON API, on Mailpit's paths) of what it received.
 *
 * <pre>
 * java -cp mail-testkit.jar:… dev.herald.mail.testkit.DevServer --port 2525 --tls --auth bob:secret --save ./inbox --ui
 * </pre>
 *
 * <p>The logic is here for reuse ({@code herald dev-server} wraps {@link #run}); {@link #main}
 * only parses arguments.
 */
public final class DevServer implements AutoCloseable {

  /**
   * What to start; {@link #parse} reads it from command-line arguments.
   *
   * @param uiPort the web inbox's port, or null for none
   * @param listen the address both servers listen on (loopback when null)
   * @param maxMessages how many messages the web inbox keeps in memory when not saving (the oldest dropped)
   */
  public record Options(int port, MockSmtpServer.TlsMode tls, String user, String password, Path saveDir, Integer uiPort,
      InetAddress listen, int maxMessages) {
    public Options {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
      if (uiPort != null && (uiPort < 0 || uiPort > 65535)) throw new IllegalArgumentException("--ui must be 0..65535, got " + uiPort);
      if (maxMessages < 1) throw new IllegalArgumentException("--max-messages must be 1 or more, got " + maxMessages);
      if (tls == null) tls = MockSmtpServer.TlsMode.NONE;
      if (listen == null) listen = InetAddress.getLoopbackAddress();
      if ((user == null) != (password == null)) throw new IllegalArgumentException("give both a user and a password");
    }

    /** Port 2525, plaintext, no AUTH, nothing saved, no web inbox, loopback, 500 messages kept. */
    public static Options defaults() {
      return new Options(2525, MockSmtpServer.TlsMode.NONE, null, null, null, null, null, DEFAULT_MAX_MESSAGES);
    }

    public Options withPort(int p) { return new Options(p, tls, user, password, saveDir, uiPort, listen, maxMessages); }
    public Options withTls(MockSmtpServer.TlsMode t) { return new Options(port, t, user, password, saveDir, uiPort, listen, maxMessages); }
    public Options withAuth(String u, String p) { return new Options(port, tls, u, p, saveDir, uiPort, listen, maxMessages); }
    public Options withSaveDir(Path d) { return new Options(port, tls, user, password, d, uiPort, listen, maxMessages); }
    /** Serves the web inbox on this port (0 = any free port); null for none. */
    public Options withUi(Integer p) { return new Options(port, tls, user, password, saveDir, p, listen, maxMessages); }
    public Options withListen(InetAddress a) { return new Options(port, tls, user, password, saveDir, uiPort, a, maxMessages); }
    public Options withMaxMessages(int n) { return new Options(port, tls, user, password, saveDir, uiPort, listen, n); }

    /**
     * Parses {@code --port N}, {@code --tls} (STARTTLS), {@code --implicit-tls}, {@code --auth USER:PASS},
     * {@code --save DIR}, {@code --ui [PORT]}, {@code --listen ADDR} and {@code --max-messages N}.
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
          case "--ui" -> {
            boolean portGiven = i + 1 < args.length && args[i + 1].matches("\\d+");
            o = o.withUi(portGiven ? number(args[++i], a) : DEFAULT_UI_PORT);
          }
          case "--listen" -> o = o.withListen(address(value(args, ++i, a)));
          case "--max-messages" -> o = o.withMaxMessages(number(value(args, ++i, a), a));
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
        }
      }
      return o;
    }

    private static int number(String v, String option) {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " expects a number, got '" + v + "'");
      }
    }

    /** An IP address (no name lookup: a typo should fail here, not bind somewhere unexpected). */
    public static InetAddress address(String v) {
      if (!v.matches("[0-9.]+|\\[?[0-9A-Fa-f:.]+]?") || !(v.contains(".") || v.contains(":"))) {
        throw new IllegalArgumentException("--listen expects an IP address such as 127.0.0.1 or 0.0.0.0, got '" + v + "'");
      }
      try {
        return InetAddress.getByName(v.startsWith("[") ? v.substring(1, v.length() - 1) : v);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("--listen expects an IP address such as 127.0.0.1 or 0.0.0.0, got '" + v + "'");
      }
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
      return args[i];
    }

    @Override public String toString() {
      return "Options[port=" + port + ", tls=" + tls + ", user=" + user + ", password=" + (password == null ? "none" : "<redacted>")
          + ", saveDir=" + saveDir + ", uiPort=" + uiPort + ", listen=" + listen.getHostAddress() + ", maxMessages=" + maxMessages + "]";
    }
  }

  public static final String USAGE = "usage: dev-server [--port 2525] [--tls | --implicit-tls] [--auth USER:PASS] [--save DIR]"
      + " [--ui [8025]] [--listen 127.0.0.1] [--max-messages 500]";

  /** The web inbox's port when {@code --ui} names none: Mailpit's. */
  public static final int DEFAULT_UI_PORT = 8025;
  /** How many messages the web inbox keeps in memory by default. */
  public static final int DEFAULT_MAX_MESSAGES = 500;

  private final MockSmtpServer server;
  private final InboxServer ui;
  private final CountDownLatch closed = new CountDownLatch(1);

  private DevServer(MockSmtpServer server, InboxServer ui) {
    this.server = server;
    this.ui = ui;
  }

  /**
   * Starts the inbox and prints where it listens; returns at once.
   *
   * @throws UncheckedIOException when the save directory cannot be used, or a port cannot be listened
   *     on (then its cause is a {@link java.net.BindException}); the message says which
   */
  public static DevServer start(Options options, PrintStream out) {
    InboxStore store = options.saveDir() != null ? InboxStore.inDirectory(options.saveDir()) : InboxStore.inMemory(options.maxMessages());
    MockSmtpServer.Builder b = MockSmtpServer.builder().tls(options.tls()).bindAddress(options.listen())
        .maxRecordedMessages(100).maxTranscriptLines(10_000);
    if (options.user() != null) b.user(options.user(), options.password()).authMechanisms("PLAIN", "LOGIN");
    else b.authMechanisms();
    b.onMessage(m -> report(m, store, out));
    MockSmtpServer server = b.build().start(options.port());
    InboxServer ui = null;
    if (options.uiPort() != null) {
      try {
        ui = InboxServer.start(store, options.listen(), options.uiPort(), Duration.ofSeconds(15));
      } catch (UncheckedIOException e) {
        server.close();
        throw e;
      }
    }
    // A wildcard listener is reached at 127.0.0.1 from this machine; that is what a profile here names.
    String host = options.listen().isAnyLocalAddress() ? "127.0.0.1" : server.host();
    out.println("herald dev-server listening on " + server.host() + ":" + server.port()
        + " (tls=" + options.tls().profileValue() + ", auth=" + (options.user() == null ? "none" : options.user())
        + (options.saveDir() == null ? "" : ", saving to " + options.saveDir()) + ")");
    if (ui != null) out.println("web inbox: " + ui.url() + (options.saveDir() == null ? " (keeps the last " + options.maxMessages() + " messages)" : ""));
    if (options.tls() != MockSmtpServer.TlsMode.NONE) {
      out.println("certificate (self-signed, for localhost and 127.0.0.1): " + server.certificateFile());
    }
    out.println("profile: herald.profiles.dev " + profile(options, host, server.port(), server.certificateFile()));
    out.println("try: " + tryCommand(options, host, server.port(), server.certificateFile()));
    out.flush();
    return new DevServer(server, ui);
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

  /** The web inbox's URL, when started with {@link Options#uiPort()}. */
  public Optional<URI> uiUrl() { return Optional.ofNullable(ui).map(InboxServer::url); }

  /** Blocks until {@link #close()} (from another thread) or an interrupt. */
  public void awaitClose() throws InterruptedException { closed.await(); }

  @Override public void close() {
    server.close();
    if (ui != null) ui.close();
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

  private static void report(RecordedMessage m, InboxStore store, PrintStream out) {
    StringBuilder line = new StringBuilder(summary(m));
    try {
      StoredMessage stored = store.add(m.raw(), m.arrival());
      if (stored.file() != null) line.append(System.lineSeparator()).append("  saved ").append(stored.file());
    } catch (UncheckedIOException e) {
      line.append(System.lineSeparator()).append("  ").append(e.getMessage());
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

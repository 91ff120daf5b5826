package dev.herald.mail.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.testkit.internal.Recorder;
import dev.herald.mail.testkit.internal.TlsMaterial;
import dev.herald.mail.testkit.internal.inbox.InboxServer;
import dev.herald.mail.testkit.internal.inbox.InboxStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A real ESMTP server on a loopback port that records what it receives and misbehaves on cue,
 * as OkHttp's MockWebServer does for HTTP. Script, run, verify:
 *
 * <pre>{@code
 * try (MockSmtpServer server = MockSmtpServer.builder().user("bob", "secret").build()) {
 *   server.start();
 *   server.script(Fault.at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
 *   // … run the code under test against server.profile() or server.host()/server.port() …
 *   RecordedMessage m = server.takeMessage(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Unscripted, it is a well-behaved submission server: EHLO/HELO, STARTTLS (or implicit TLS)
 * with a self-signed certificate for {@code localhost} and {@code 127.0.0.1}, AUTH PLAIN, LOGIN,
 * XOAUTH2 and OAUTHBEARER against the configured users and tokens, PIPELINING, SIZE, 8BITMIME,
 * SMTPUTF8, ENHANCEDSTATUSCODES, DSN and optionally CHUNKING. Pipelined commands are answered in
 * order; plaintext sent after STARTTLS is discarded (and noted in the transcript).
 *
 * <p>Bounded: messages up to {@link Builder#maxMessageSize}, message lines up to
 * {@link Builder#maxLineLength}, command lines up to 16 KiB, {@link Builder#maxRecipients}
 * recipients, {@link Builder#maxConnections} connections. A daemon thread per connection; every
 * read has a timeout ({@link Builder#readTimeout}); {@link #close()} stops everything.
 *
 * <p>The transcript ({@code C:} client, {@code S:} server, {@code *:} events) shows commands as
 * sent, AUTH payloads included (they are test credentials), and message contents as their size.
 *
 * <p>No JUnit here: see {@code dev.herald.mail.testkit.junit5.MockSmtpExtension}.
 */
public final class MockSmtpServer implements AutoCloseable {

  /** How the server offers TLS. */
  public enum TlsMode {
    /** Plaintext only; STARTTLS is not offered. */
    NONE,
    /** Plaintext greeting, STARTTLS offered (the default). */
    STARTTLS,
    /** TLS from the first byte (SMTPS, RFC 8314). */
    IMPLICIT;

    /** The profile's {@code tls} value for this mode. */
    public String profileValue() { return name().toLowerCase(Locale.ROOT); }
  }

  final ServerOptions options;
  final TlsMaterial tls;
  final FaultScript script;
  final Recorder<RecordedMessage> recorder;
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Acceptor acceptor;
  private volatile boolean started;
  private InboxServer ui;

  private MockSmtpServer(ServerOptions options) {
    this.options = options;
    this.tls = new TlsMaterial(options.certificateNames(), options.notBefore, options.notAfter);
    this.script = new FaultScript(options.dispatcher);
    this.recorder = new Recorder<>(options.maxRecordedMessages, options.maxTranscriptLines, RecordedMessage::session);
    if (options.listener != null) recorder.onMessage(options.listener);
  }

  /** A builder with the defaults: STARTTLS, AUTH PLAIN/LOGIN/XOAUTH2, no users. */
  public static Builder builder() { return new Builder(); }

  /** Starts on an ephemeral port of 127.0.0.1. */
  public MockSmtpServer start() { return start(0); }

  /** Starts on {@code port} of the builder's bind address (127.0.0.1 unless set); 0 picks a free port. */
  public synchronized MockSmtpServer start(int port) {
    if (started) throw new IllegalStateException("already started");
    if (stopped.getCount() == 0) throw new IllegalStateException("closed; build a new server");
    try {
      ServerSocket ss = options.tlsMode == TlsMode.IMPLICIT ? tls.implicitServerSocket() : new ServerSocket();
      ss.setReuseAddress(port != 0);
      ss.bind(new InetSocketAddress(options.bindAddress, port), 50);
      acceptor = new Acceptor(this, ss, options.maxConnections, sessionCount);
      started = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + options.bindAddress.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** True between {@link #start()} and {@link #close()}. */
  public boolean isRunning() { return started && stopped.getCount() > 0; }

  /** The address to connect to: {@code 127.0.0.1} unless the builder chose another bind address. */
  public String host() { return options.bindAddress.getHostAddress(); }

  /** The port it listens on. */
  public int port() {
    Acceptor a = acceptor;
    if (a == null) throw new IllegalStateException("not started: call start() first");
    return a.port();
  }

  /** How the server offers TLS. */
  public TlsMode tlsMode() { return options.tlsMode; }

  /** The server's self-signed certificate as PEM (for {@code localhost} and {@code 127.0.0.1}, or {@code wrong.example}). */
  public String certificatePem() { return tls.certificate().pem(); }

  /** The certificate itself, for building a trust store. */
  public X509Certificate certificate() { return tls.certificate().certificate(); }

  /** {@link #certificatePem()} in a temporary file (deleted on close), for a profile's {@code tls-trust}. */
  public Path certificateFile() { return tls.file(); }

  /** An {@link SSLContext} for clients that trusts exactly this server's certificate. */
  public SSLContext clientSslContext() { return tls.clientContext(); }

  /**
   * A profile aimed at this server, with the keys of the {@code smtp} transport: {@code transport},
   * {@code host}, {@code port}, {@code tls}, {@code tls-trust} (unless plaintext), and the
   * credentials of the first configured user ({@code username}, {@code password}), or else of the
   * first token ({@code username}, {@code token}). Give it to the code under test as its profile,
   * e.g. {@code Mailer.fromProfile(server.profile())}; add keys with {@code withFallback}.
   */
  public Config profile() {
    if (!options.users.isEmpty()) return profile(options.users.keySet().iterator().next());
    if (!options.tokens.isEmpty()) return profile(options.tokens.keySet().iterator().next());
    return ConfigFactory.parseMap(baseProfile(), origin());
  }

  /** {@link #profile()} logged in as {@code username}: its password and/or token as configured. */
  public Config profile(String username) {
    if (!options.users.containsKey(username) && !options.tokens.containsKey(username)) {
      throw new IllegalArgumentException("no user or token configured for '" + username + "'; users: "
          + options.users.keySet() + ", tokens: " + options.tokens.keySet());
    }
    Map<String, Object> m = baseProfile();
    m.put("username", username);
    if (options.users.containsKey(username)) m.put("password", options.users.get(username));
    if (options.tokens.containsKey(username)) m.put("token", options.tokens.get(username));
    return ConfigFactory.parseMap(m, origin());
  }

  private Map<String, Object> baseProfile() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transport", "smtp");
    m.put("host", host());
    m.put("port", port());
    m.put("tls", options.tlsMode.profileValue());
    if (options.tlsMode != TlsMode.NONE) m.put("tls-trust", tls.file().toString());
    return m;
  }

  private String origin() { return "MockSmtpServer.profile() on " + host() + ":" + port(); }

  /** Adds faults; they apply from the next command of any session (open ones included), tried in the order given. */
  public MockSmtpServer script(Fault... faults) {
    script.add(faults);
    return this;
  }

  /** Same as {@link #script}. */
  public MockSmtpServer enqueue(Fault... faults) { return script(faults); }

  /** Forgets the scripted faults that have not been used up. */
  public MockSmtpServer clearScript() {
    script.clear();
    return this;
  }

  /** Faults scripted and not used up yet (a {@code once()} fault disappears when used). */
  public List<Fault> pendingFaults() { return script.pending(); }

  /** Replaces the dispatcher (null for none); it is asked before the scripted faults. */
  public MockSmtpServer dispatcher(SmtpDispatcher dispatcher) {
    script.dispatcher(dispatcher);
    return this;
  }

  /** Calls {@code listener} on the session's thread for every message accepted; exceptions are logged to the transcript. */
  public MockSmtpServer onMessage(Consumer<RecordedMessage> listener) {
    recorder.onMessage(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Waits up to {@code timeout} for the next message not taken yet, in arrival order.
   *
   * @return the message, or null if none arrived in time
   */
  public RecordedMessage takeMessage(Duration timeout) throws InterruptedException { return recorder.take(timeout); }

  /**
   * Takes the next {@code n} messages, in arrival order, waiting up to {@code timeout} in all.
   *
   * @throws AssertionError naming how many came, when fewer than {@code n} arrive in time
   */
  public List<RecordedMessage> takeMessages(int n, Duration timeout) throws InterruptedException {
    return recorder.take(n, timeout);
  }

  /** Every message received (taken or not), oldest first; at most the builder's {@code maxRecordedMessages}. */
  public List<RecordedMessage> messages() { return recorder.messages(); }

  /** How many messages were accepted in all. */
  public int messageCount() { return recorder.messageCount(); }

  /** How many connections were accepted in all. */
  public int sessionCount() { return sessionCount.get(); }

  /** The transcript of every session, each line prefixed with its session number: {@code #1 C: EHLO client}. */
  public List<String> transcript() { return recorder.transcript(); }

  /** {@link #transcript()} as one string, one line each. */
  public String transcriptText() { return String.join("\n", transcript()); }

  /** Forgets recorded messages, the transcript and the script; for a server shared by several tests. */
  public MockSmtpServer reset() {
    clearScript();
    recorder.clear();
    return this;
  }

  /**
   * Serves a web inbox of this server's messages (those received so far and every one after) on
   * {@code port} of its bind address (0 picks a free port): open the URL while debugging a test to
   * see each message as a mail client shows it. The inbox keeps up to {@code maxRecordedMessages}
   * (at most 10,000); deleting there does not touch {@link #messages()}. Closed with the server.
   *
   * @return the page's URL, such as {@code http://127.0.0.1:8025/}; the same URL when already started
   */
  public synchronized URI startUi(int port) {
    if (ui != null) return ui.url();
    if (isStopped()) throw new IllegalStateException("closed; build a new server");
    InboxStore store = InboxStore.inMemory(Math.min(options.maxRecordedMessages, 10_000));
    Set<Integer> added = ConcurrentHashMap.newKeySet();
    Consumer<RecordedMessage> feed = m -> {
      if (added.add(m.index())) store.add(m.raw(), m.arrival());
    };
    onMessage(feed); // first, so that nothing arriving during the copy below is missed
    for (RecordedMessage m : messages()) feed.accept(m);
    ui = InboxServer.start(store, options.bindAddress, port, Duration.ofSeconds(15));
    return ui.url();
  }

  /** Stops listening, closes every connection and the web inbox, and deletes the certificate file; idempotent. */
  @Override public void close() {
    stopped.countDown();
    synchronized (this) {
      if (ui != null) ui.close();
    }
    Acceptor a = acceptor;
    if (a != null) a.close();
    tls.deleteFile();
  }

  @Override public String toString() {
    Acceptor a = acceptor;
    return "MockSmtpServer[" + (a == null ? "not started" : host() + ":" + a.port()) + ", tls=" + options.tlsMode + "]";
  }

  // ---- used by SmtpSession ----

  boolean isStopped() { return stopped.getCount() == 0; }

  /** Waits up to {@code d}; returns early (true) when the server stops. */
  boolean sleep(Duration d) {
    try {
      return stopped.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  void log(int session, String line) { recorder.log(session, line); }

  /**
   * Configures a server; reusable: each {@link #build()} copies the current values. The options are
   * declared in a package-private superclass, apart from the running server.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    private Builder() { }

    /** A server with a copy of the current settings; not started. */
    public MockSmtpServer build() { return new MockSmtpServer(options.freeze()); }
  }
}

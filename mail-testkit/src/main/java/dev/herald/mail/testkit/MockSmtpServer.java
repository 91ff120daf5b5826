package dev.herald.mail.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.mail.testkit.internal.SelfSignedCertificate;
import dev.herald.mail.testkit.internal.inbox.InboxServer;
import dev.herald.mail.testkit.internal.inbox.InboxStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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

  final Settings settings;
  private final boolean wrongHost;
  private final Instant notBefore;
  private final Instant notAfter;
  private volatile SelfSignedCertificate certificate;
  private final List<Scripted> faults = new ArrayList<>();
  private final List<Consumer<RecordedMessage>> listeners = new CopyOnWriteArrayList<>();
  private volatile SmtpDispatcher dispatcher;
  private final LinkedBlockingDeque<RecordedMessage> queue = new LinkedBlockingDeque<>();
  private final ArrayDeque<RecordedMessage> messages = new ArrayDeque<>();
  private final ArrayDeque<String> transcript = new ArrayDeque<>();
  private final AtomicInteger messageCount = new AtomicInteger();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile ServerSocket serverSocket;
  private volatile Path certificateFile;
  private volatile boolean started;
  private InboxServer ui;

  private MockSmtpServer(Builder b) {
    this.settings = new Settings(b);
    this.wrongHost = b.wrongHost;
    this.notBefore = b.notBefore;
    this.notAfter = b.notAfter;
    this.dispatcher = b.dispatcher;
    if (b.listener != null) listeners.add(b.listener);
  }

  public static Builder builder() { return new Builder(); }

  /** Starts on an ephemeral port of 127.0.0.1. */
  public MockSmtpServer start() { return start(0); }

  /** Starts on {@code port} of the builder's bind address (127.0.0.1 unless set); 0 picks a free port. */
  public synchronized MockSmtpServer start(int port) {
    if (started) throw new IllegalStateException("already started");
    if (stopped.getCount() == 0) throw new IllegalStateException("closed; build a new server");
    try {
      ServerSocket ss = settings.tlsMode == TlsMode.IMPLICIT
          ? certificateInternal().sslContext().getServerSocketFactory().createServerSocket()
          : new ServerSocket();
      if (ss instanceof javax.net.ssl.SSLServerSocket s) s.setEnabledProtocols(SmtpSession.protocols(s.getSupportedProtocols()));
      ss.setReuseAddress(port != 0);
      ss.bind(new InetSocketAddress(settings.bindAddress, port), 50);
      serverSocket = ss;
      started = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + settings.bindAddress.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
    }
    Thread t = new Thread(this::acceptLoop, "MockSmtpServer-accept-" + serverSocket.getLocalPort());
    t.setDaemon(true);
    t.start();
    return this;
  }

  private void acceptLoop() {
    while (stopped.getCount() > 0) {
      Socket s;
      try {
        s = serverSocket.accept();
      } catch (IOException e) {
        if (stopped.getCount() > 0) log(0, "*: accept failed: " + e);
        return;
      }
      sockets.add(s);
      if (stopped.getCount() == 0) {
        closeQuietly(s);
        return;
      }
      int id = sessionCount.incrementAndGet();
      if (sockets.size() > settings.maxConnections) {
        log(id, "*: refused: more than " + settings.maxConnections + " connections");
        try {
          // Over TLS the 421 would need a handshake on this (accept) thread: just close.
          if (!(s instanceof javax.net.ssl.SSLSocket)) {
            s.getOutputStream().write("421 4.3.2 Too many connections, try later\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        } catch (IOException ignored) {
          // closing anyway
        }
        sockets.remove(s);
        closeQuietly(s);
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          new SmtpSession(this, id, s).run();
        } finally {
          sockets.remove(s);
          closeQuietly(s);
        }
      }, "MockSmtpServer-session-" + id);
      t.setDaemon(true);
      t.start();
    }
  }

  /** True between {@link #start()} and {@link #close()}. */
  public boolean isRunning() { return started && stopped.getCount() > 0; }

  /** The address to connect to: {@code 127.0.0.1} unless the builder chose another bind address. */
  public String host() { return settings.bindAddress.getHostAddress(); }

  /** The port it listens on. */
  public int port() {
    ServerSocket ss = serverSocket;
    if (ss == null) throw new IllegalStateException("not started: call start() first");
    return ss.getLocalPort();
  }

  public TlsMode tlsMode() { return settings.tlsMode; }

  /** The server's self-signed certificate as PEM (for {@code localhost} and {@code 127.0.0.1}, or {@code wrong.example}). */
  public String certificatePem() { return certificateInternal().pem(); }

  /** The certificate itself, for building a trust store. */
  public java.security.cert.X509Certificate certificate() { return certificateInternal().certificate(); }

  /** {@link #certificatePem()} in a temporary file (deleted on close), for a profile's {@code tls-trust}. */
  public synchronized Path certificateFile() {
    if (certificateFile == null) {
      try {
        Path f = Files.createTempFile("herald-mock-smtp-", ".pem");
        Files.writeString(f, certificatePem(), StandardCharsets.US_ASCII);
        f.toFile().deleteOnExit();
        certificateFile = f;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the certificate file: " + e.getMessage(), e);
      }
    }
    return certificateFile;
  }

  /** An {@link javax.net.ssl.SSLContext} for clients that trusts exactly this server's certificate. */
  public javax.net.ssl.SSLContext clientSslContext() {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("mock-smtp", certificate());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A profile aimed at this server, with the keys of the {@code smtp} transport: {@code transport},
   * {@code host}, {@code port}, {@code tls}, {@code tls-trust} (unless plaintext), and the
   * credentials of the first configured user ({@code username}, {@code password}), or else of the
   * first token ({@code username}, {@code token}). Give it to the code under test as its profile,
   * e.g. {@code Mailer.fromProfile(server.profile())}; add keys with {@code withFallback}.
   */
  public Config profile() {
    if (!settings.users.isEmpty()) return profile(settings.users.keySet().iterator().next());
    if (!settings.tokens.isEmpty()) return profile(settings.tokens.keySet().iterator().next());
    return ConfigFactory.parseMap(baseProfile(), origin());
  }

  /** {@link #profile()} logged in as {@code username}: its password and/or token as configured. */
  public Config profile(String username) {
    if (!settings.users.containsKey(username) && !settings.tokens.containsKey(username)) {
      throw new IllegalArgumentException("no user or token configured for '" + username + "'; users: "
          + settings.users.keySet() + ", tokens: " + settings.tokens.keySet());
    }
    Map<String, Object> m = baseProfile();
    m.put("username", username);
    if (settings.users.containsKey(username)) m.put("password", settings.users.get(username));
    if (settings.tokens.containsKey(username)) m.put("token", settings.tokens.get(username));
    return ConfigFactory.parseMap(m, origin());
  }

  private Map<String, Object> baseProfile() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transport", "smtp");
    m.put("host", host());
    m.put("port", port());
    m.put("tls", settings.tlsMode.profileValue());
    if (settings.tlsMode != TlsMode.NONE) m.put("tls-trust", certificateFile().toString());
    return m;
  }

  private String origin() { return "MockSmtpServer.profile() on " + host() + ":" + port(); }

  /** Adds faults; they apply from the next command of any session (open ones included), tried in the order given. */
  public MockSmtpServer script(Fault... faults) {
    synchronized (this.faults) {
      for (Fault f : faults) this.faults.add(new Scripted(Objects.requireNonNull(f, "fault")));
    }
    return this;
  }

  /** Same as {@link #script}. */
  public MockSmtpServer enqueue(Fault... faults) { return script(faults); }

  /** Forgets the scripted faults that have not been used up. */
  public MockSmtpServer clearScript() {
    synchronized (faults) {
      faults.clear();
    }
    return this;
  }

  /** Faults scripted and not used up yet (a {@code once()} fault disappears when used). */
  public List<Fault> pendingFaults() {
    synchronized (faults) {
      List<Fault> out = new ArrayList<>();
      for (Scripted s : faults) out.add(s.remaining < 0 ? s.fault : s.fault.times(s.remaining));
      return out;
    }
  }

  /** Replaces the dispatcher (null for none); it is asked before the scripted faults. */
  public MockSmtpServer dispatcher(SmtpDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    return this;
  }

  /** Calls {@code listener} on the session's thread for every message accepted; exceptions are logged to the transcript. */
  public MockSmtpServer onMessage(Consumer<RecordedMessage> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Waits up to {@code timeout} for the next message not taken yet, in arrival order.
   *
   * @return the message, or null if none arrived in time
   */
  public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Takes the next {@code n} messages, in arrival order, waiting up to {@code timeout} in all.
   *
   * @throws AssertionError naming how many came, when fewer than {@code n} arrive in time
   */
  public List<RecordedMessage> takeMessages(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<RecordedMessage> out = new ArrayList<>(n);
    while (out.size() < n) {
      RecordedMessage m = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        for (int i = out.size() - 1; i >= 0; i--) queue.addFirst(out.get(i)); // put back, in order, for the next take
        throw new AssertionError("expected " + n + " messages within " + timeout + ", got " + out.size());
      }
      out.add(m);
    }
    return out;
  }

  /** Every message received (taken or not), oldest first; at most the builder's {@code maxRecordedMessages}. */
  public List<RecordedMessage> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /** How many messages were accepted in all. */
  public int messageCount() { return messageCount.get(); }

  /** How many connections were accepted in all. */
  public int sessionCount() { return sessionCount.get(); }

  /** The transcript of every session, each line prefixed with its session number: {@code #1 C: EHLO client}. */
  public List<String> transcript() {
    synchronized (transcript) {
      return List.copyOf(transcript);
    }
  }

  /** {@link #transcript()} as one string, one line each. */
  public String transcriptText() { return String.join("\n", transcript()); }

  /** Forgets recorded messages, the transcript and the script; for a server shared by several tests. */
  public MockSmtpServer reset() {
    clearScript();
    synchronized (messages) {
      messages.clear();
    }
    queue.clear();
    synchronized (transcript) {
      transcript.clear();
    }
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
    InboxStore store = InboxStore.inMemory(Math.min(settings.maxRecordedMessages, 10_000));
    Set<Integer> added = ConcurrentHashMap.newKeySet();
    Consumer<RecordedMessage> feed = m -> {
      if (added.add(m.index())) store.add(m.raw(), m.arrival());
    };
    onMessage(feed); // first, so that nothing arriving during the copy below is missed
    for (RecordedMessage m : messages()) feed.accept(m);
    ui = InboxServer.start(store, settings.bindAddress, port, Duration.ofSeconds(15));
    return ui.url();
  }

  /** Stops listening, closes every connection and the web inbox, and deletes the certificate file; idempotent. */
  @Override public void close() {
    stopped.countDown();
    synchronized (this) {
      if (ui != null) ui.close();
    }
    ServerSocket ss = serverSocket;
    if (ss != null) closeQuietly(ss);
    for (Socket s : sockets) closeQuietly(s);
    Path f = certificateFile;
    if (f != null) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // deleteOnExit will try again
      }
    }
  }

  @Override public String toString() {
    ServerSocket ss = serverSocket;
    return "MockSmtpServer[" + (ss == null ? "not started" : host() + ":" + ss.getLocalPort()) + ", tls=" + settings.tlsMode + "]";
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

  /** Made on first use (a plaintext server never needs it); cached per JVM by SelfSignedCertificate. */
  SelfSignedCertificate certificateInternal() {
    SelfSignedCertificate c = certificate;
    if (c == null) {
      List<String> names = wrongHost ? List.of("wrong.example") : List.of("localhost", "127.0.0.1");
      c = notAfter != null ? SelfSignedCertificate.forNames(names, notBefore, notAfter) : SelfSignedCertificate.forNames(names);
      certificate = c;
    }
    return c;
  }

  Fault.Effect effectFor(SmtpCommand command) {
    SmtpDispatcher d = dispatcher;
    if (d != null) {
      Fault.Effect e = d.dispatch(command);
      if (e != null) return e;
    }
    if (command.stage() == null) return null;
    synchronized (faults) {
      for (Iterator<Scripted> it = faults.iterator(); it.hasNext(); ) {
        Scripted s = it.next();
        if (!s.fault.matches(command.stage(), command.recipient())) continue;
        if (s.remaining > 0 && --s.remaining == 0) it.remove();
        return s.fault.effect();
      }
    }
    return null;
  }

  int nextMessageIndex() { return messageCount.getAndIncrement(); }

  void record(RecordedMessage m) {
    synchronized (messages) {
      messages.addLast(m);
      while (messages.size() > settings.maxRecordedMessages) messages.removeFirst();
    }
    queue.add(m);
    while (queue.size() > settings.maxRecordedMessages) queue.poll();
    for (Consumer<RecordedMessage> l : listeners) {
      try {
        l.accept(m);
      } catch (RuntimeException e) {
        log(m.session(), "*: message listener failed: " + e);
      }
    }
  }

  void log(int session, String line) {
    synchronized (transcript) {
      transcript.addLast("#" + session + " " + line);
      while (transcript.size() > settings.maxTranscriptLines) transcript.removeFirst();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  private static final class Scripted {
    final Fault fault;
    int remaining;

    Scripted(Fault fault) {
      this.fault = fault;
      this.remaining = fault.times();
    }
  }

  /** Frozen settings; the builder's values copied at {@link Builder#build()}. */
  static final class Settings {
    final TlsMode tlsMode;
    final InetAddress bindAddress;
    final String hostname;
    final String greeting;
    final String ehloGreeting;
    final List<String> authMechanisms;
    final Map<String, String> users;
    final Map<String, String> tokens;
    final boolean pipelining;
    final long size;
    final boolean smtpUtf8;
    final boolean eightBitMime;
    final boolean enhancedStatusCodes;
    final boolean dsn;
    final boolean chunking;
    final List<String> extraExtensions;
    final long maxMessageSize;
    final int maxLineLength;
    final int maxRecipients;
    final Duration readTimeout;
    final boolean requireTls;
    final boolean requireAuth;
    final boolean authOnlyAfterTls;
    final int maxRecordedMessages;
    final int maxTranscriptLines;
    final int maxConnections;
    final List<String> authFailure;

    Settings(Builder b) {
      tlsMode = b.tlsMode;
      bindAddress = b.bindAddress;
      hostname = b.hostname;
      greeting = b.greeting != null ? b.greeting : b.hostname + " ESMTP Herald MockSmtpServer ready";
      ehloGreeting = b.ehloGreeting;
      authMechanisms = List.copyOf(b.authMechanisms);
      users = Collections.unmodifiableMap(new LinkedHashMap<>(b.users));
      tokens = Collections.unmodifiableMap(new LinkedHashMap<>(b.tokens));
      pipelining = b.pipelining;
      size = b.size;
      smtpUtf8 = b.smtpUtf8;
      eightBitMime = b.eightBitMime;
      enhancedStatusCodes = b.enhancedStatusCodes;
      dsn = b.dsn;
      chunking = b.chunking;
      extraExtensions = List.copyOf(b.extraExtensions);
      maxMessageSize = b.maxMessageSize > 0 ? b.maxMessageSize : (b.size > 0 ? b.size : 25L * 1024 * 1024);
      maxLineLength = b.maxLineLength;
      maxRecipients = b.maxRecipients;
      readTimeout = b.readTimeout;
      requireTls = b.requireTls;
      requireAuth = b.requireAuth != null ? b.requireAuth : !(b.users.isEmpty() && b.tokens.isEmpty());
      authOnlyAfterTls = b.authOnlyAfterTls;
      maxRecordedMessages = b.maxRecordedMessages;
      maxTranscriptLines = b.maxTranscriptLines;
      maxConnections = b.maxConnections;
      authFailure = b.authFailure == null ? null : List.copyOf(b.authFailure);
    }
  }

  /** Configures a server; reusable: each {@link #build()} copies the current values. */
  public static final class Builder {
    private TlsMode tlsMode = TlsMode.STARTTLS;
    private boolean wrongHost;
    private Instant notBefore;
    private Instant notAfter;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private String hostname = "localhost";
    private String greeting;
    private String ehloGreeting;
    private final List<String> authMechanisms = new ArrayList<>(List.of("PLAIN", "LOGIN", "XOAUTH2"));
    private final Map<String, String> users = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private boolean pipelining = true;
    private long size = 10_000_000;
    private boolean smtpUtf8 = true;
    private boolean eightBitMime = true;
    private boolean enhancedStatusCodes = true;
    private boolean dsn = true;
    private boolean chunking;
    private final List<String> extraExtensions = new ArrayList<>();
    private long maxMessageSize;
    private int maxLineLength = 1000;
    private int maxRecipients = 1000;
    private Duration readTimeout = Duration.ofSeconds(30);
    private boolean requireTls;
    private Boolean requireAuth;
    private boolean authOnlyAfterTls;
    private int maxRecordedMessages = Integer.MAX_VALUE;
    private int maxTranscriptLines = 100_000;
    private int maxConnections = 100;
    private List<String> authFailure;
    private SmtpDispatcher dispatcher;
    private Consumer<RecordedMessage> listener;

    private Builder() { }

    /** NONE, STARTTLS (default) or IMPLICIT. */
    public Builder tls(TlsMode mode) { this.tlsMode = Objects.requireNonNull(mode, "mode"); return this; }

    /** Presents a certificate for {@code wrong.example} instead of localhost/127.0.0.1. */
    public Builder wrongHostCertificate() { this.wrongHost = true; return this; }

    /**
     * Presents a certificate valid only from {@code notBefore} to {@code notAfter}: an expired one, or
     * one not yet valid (certificate error tests). By default it is valid from yesterday for ten years.
     */
    public Builder certificateValidity(Instant notBefore, Instant notAfter) {
      if (!notAfter.isAfter(notBefore)) throw new IllegalArgumentException("notAfter must follow notBefore");
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** Listens on another local address than 127.0.0.1 (keep it on loopback in tests). */
    public Builder bindAddress(InetAddress address) { this.bindAddress = Objects.requireNonNull(address); return this; }

    /** The server's name in its greeting and EHLO reply (default {@code localhost}). */
    public Builder hostname(String hostname) { this.hostname = Objects.requireNonNull(hostname); return this; }

    /** The greeting text after {@code 220 } (default {@code <hostname> ESMTP Herald MockSmtpServer ready}). */
    public Builder greeting(String text) { this.greeting = text; return this; }

    /**
     * The first line of the EHLO reply after {@code 250-} (default {@code <hostname> Hello <client name>}),
     * e.g. {@code "smtp.gmail.com at your service, [127.0.0.1]"}.
     */
    public Builder ehloGreeting(String text) { this.ehloGreeting = text; return this; }

    /**
     * The AUTH mechanisms advertised, in this order (default PLAIN, LOGIN, XOAUTH2); none means no
     * AUTH extension. PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER work; others are advertised and then
     * refused with {@code 504 5.5.4} when used.
     */
    public Builder authMechanisms(String... mechanisms) {
      authMechanisms.clear();
      for (String m : mechanisms) authMechanisms.add(m.toUpperCase(Locale.ROOT));
      return this;
    }

    /** A user for PLAIN and LOGIN. The first user goes into {@link MockSmtpServer#profile()}. */
    public Builder user(String username, String password) {
      users.put(Objects.requireNonNull(username), Objects.requireNonNull(password));
      return this;
    }

    /** A bearer token for XOAUTH2 and OAUTHBEARER. */
    public Builder token(String username, String token) {
      tokens.put(Objects.requireNonNull(username), Objects.requireNonNull(token));
      return this;
    }

    public Builder pipelining(boolean on) { this.pipelining = on; return this; }

    /** The SIZE advertised: a positive limit, 0 for {@code SIZE} without a number, negative for no SIZE extension. */
    public Builder size(long octets) { this.size = octets; return this; }

    public Builder smtpUtf8(boolean on) { this.smtpUtf8 = on; return this; }

    public Builder eightBitMime(boolean on) { this.eightBitMime = on; return this; }

    /** Whether replies carry RFC 3463 codes ({@code 250 2.1.0 …}) and ENHANCEDSTATUSCODES is advertised. */
    public Builder enhancedStatusCodes(boolean on) { this.enhancedStatusCodes = on; return this; }

    public Builder dsn(boolean on) { this.dsn = on; return this; }

    /** CHUNKING (BDAT); off by default. */
    public Builder chunking(boolean on) { this.chunking = on; return this; }

    /** An extra EHLO line, advertised as is (e.g. {@code "X-HERALD"}); the server does nothing else with it. */
    public Builder extension(String ehloLine) { this.extraExtensions.add(Objects.requireNonNull(ehloLine)); return this; }

    /** The largest message accepted (default: the SIZE advertised, or 25 MiB); larger ones get 552. */
    public Builder maxMessageSize(long octets) { this.maxMessageSize = octets; return this; }

    /** The longest line accepted in a message, CRLF included (default 1000, RFC 5321). Commands may be up to 16 KiB. */
    public Builder maxLineLength(int octets) {
      if (octets < 80) throw new IllegalArgumentException("maxLineLength below 80: " + octets);
      this.maxLineLength = octets;
      return this;
    }

    /** Recipients per message before {@code 452 4.5.3} (default 1000). */
    public Builder maxRecipients(int n) { this.maxRecipients = n; return this; }

    /** How long a session waits for the client before {@code 421 4.4.2} and close (default 30 s). */
    public Builder readTimeout(Duration timeout) { this.readTimeout = Objects.requireNonNull(timeout); return this; }

    /** Refuses MAIL with {@code 530 5.7.0} until STARTTLS (like Gmail). */
    public Builder requireTls(boolean on) { this.requireTls = on; return this; }

    /** Refuses MAIL with {@code 530 5.7.0} until AUTH; by default on when a user or token is configured. */
    public Builder requireAuth(boolean on) { this.requireAuth = on; return this; }

    /** Advertises and accepts AUTH only after STARTTLS (like Gmail); off by default. */
    public Builder authOnlyAfterTls(boolean on) { this.authOnlyAfterTls = on; return this; }

    /** Keeps at most this many messages (and untaken messages) in memory; for long-running dev servers. */
    public Builder maxRecordedMessages(int n) {
      if (n < 1) throw new IllegalArgumentException("maxRecordedMessages below 1");
      this.maxRecordedMessages = n;
      return this;
    }

    /** Keeps at most this many lines of the server-wide transcript (default 100 000). */
    public Builder maxTranscriptLines(int n) {
      if (n < 0) throw new IllegalArgumentException("maxTranscriptLines below 0");
      this.maxTranscriptLines = n;
      return this;
    }

    /** Open connections at once before new ones get {@code 421 4.3.2} and are closed (default 100). */
    public Builder maxConnections(int n) {
      if (n < 1) throw new IllegalArgumentException("maxConnections below 1");
      this.maxConnections = n;
      return this;
    }

    /** The escape hatch; see {@link SmtpDispatcher}. */
    public Builder dispatcher(SmtpDispatcher dispatcher) { this.dispatcher = dispatcher; return this; }

    /** Called for every message accepted; see {@link MockSmtpServer#onMessage}. */
    public Builder onMessage(Consumer<RecordedMessage> listener) { this.listener = listener; return this; }

    /**
     * The text of the {@code 535} that refuses bad credentials (several lines make a multi-line
     * reply); default {@code 5.7.8 Authentication credentials invalid} (and Gmail's
     * {@code 5.7.8 Username and Password not accepted} after a failed XOAUTH2/OAUTHBEARER exchange).
     */
    public Builder authFailure(String... lines) {
      this.authFailure = new Fault.Reply(535, List.of(lines), false).lines();
      return this;
    }

    /** Gmail's submission server, as seen from port 587: its greeting and EHLO lines, AUTH after STARTTLS, TLS required. */
    public Builder gmailLike() {
      hostname("smtp.gmail.com");
      greeting("smtp.gmail.com ESMTP a1-20020a170902b58100b001234567890sm1234567pls.123 - gsmtp");
      ehloGreeting("smtp.gmail.com at your service, [127.0.0.1]");
      authMechanisms("LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH");
      size(35_882_577);
      chunking(true);
      dsn(false);
      requireTls(true);
      authOnlyAfterTls(true);
      authFailure("5.7.8 Username and Password not accepted. For more information, go to",
          "5.7.8  https://support.google.com/mail/?p=BadCredentials a1-20020a170902b58100b001234567890sm1234567pls.123 - gsmtp");
      return this;
    }

    /** A server with a copy of the current settings; not started. */
    public MockSmtpServer build() { return new MockSmtpServer(this); }
  }
}

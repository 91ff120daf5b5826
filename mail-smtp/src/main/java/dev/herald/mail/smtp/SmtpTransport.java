package dev.herald.mail.smtp;

import dev.herald.mail.Envelope;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.smtp.internal.Dispatcher;
import dev.herald.mail.smtp.internal.Job;
import dev.herald.mail.smtp.internal.Pool;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.TraceListener;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Herald's ESMTP client as a {@link Transport}: keeps its connections open between messages (up to
 * {@code max-connections}, each closed after {@code max-messages-per-connection}), pipelines
 * whatever the server allows, and is closed by the user.
 *
 * <pre>{@code
 * try (SmtpTransport smtp = SmtpTransport.builder().host("smtp.example.org").port(587)
 *     .credentials(Credentials.password("me", CredentialSource.env("SMTP_PASSWORD"))).build()) {
 *   SendReceipt r = smtp.send(envelope, content);
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #send} runs on the calling thread; {@link #sendAsync} and {@link #sendAll}
 * use up to {@code max-connections} daemon threads, each pipelining a run of messages over its
 * connection.
 */
public final class SmtpTransport implements Transport {
  private final SmtpSettings settings;
  private final Dispatcher dispatcher;
  private final Pool pool;

  private SmtpTransport(SmtpSettings settings, TransportContext context, String fallbackUser) {
    this.settings = settings;
    this.pool = new Pool(settings, context.credentials(), fallbackUser, context.trace());
    this.dispatcher = new Dispatcher(settings, pool);
    if (settings.tls() == TlsPolicy.NONE && context.credentials().present() && !settings.allowPlaintextAuth()
        && !settings.host().equals("localhost") && !settings.host().startsWith("127.") && !settings.host().equals("::1")) {
      context.warnings().accept("tls = none with credentials: AUTH will be refused unless " + settings.host()
          + " is this machine (or allow-plaintext-auth = true)");
    }
  }

  /** A transport with these settings; {@code context} gives credentials, trace and warnings. */
  public static SmtpTransport create(SmtpSettings settings, TransportContext context) {
    return new SmtpTransport(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(context, "context"), null);
  }

  static SmtpTransport create(SmtpSettings settings, TransportContext context, String fallbackUser) {
    return new SmtpTransport(settings, context, fallbackUser);
  }

  public static Builder builder() { return new Builder(); }

  /** Sends one message on the calling thread, over a kept connection when there is one. */
  @Override public SendReceipt send(Envelope envelope, MessageContent content) {
    return dispatcher.send(new Job(Objects.requireNonNull(envelope, "envelope"), Objects.requireNonNull(content, "content")));
  }

  /** Queues one message; messages queued together travel pipelined over the pool's connections. */
  @Override public CompletableFuture<SendReceipt> sendAsync(Envelope envelope, MessageContent content) {
    return dispatcher.submit(new Job(Objects.requireNonNull(envelope, "envelope"), Objects.requireNonNull(content, "content")));
  }

  /**
   * Sends a batch over up to {@code max-connections} connections, pipelining the end of each
   * message with the envelope of the next; waits for all. One message's failure does not stop
   * the others.
   *
   * @return one outcome per message, in the order given
   */
  @Override public List<SendOutcome> sendAll(List<Outgoing> messages) {
    List<CompletableFuture<SendReceipt>> futures = new ArrayList<>(messages.size());
    for (Outgoing m : messages) futures.add(sendAsync(m.envelope(), m.content()));
    List<SendOutcome> out = new ArrayList<>(messages.size());
    for (int i = 0; i < futures.size(); i++) {
      try {
        out.add(new SendOutcome(i, futures.get(i).join(), null));
      } catch (CompletionException e) {
        Throwable c = e.getCause();
        out.add(new SendOutcome(i, null, c instanceof MailException m ? m : new MailException("send failed: " + c, c)));
      }
    }
    return out;
  }

  /** Connects, runs STARTTLS/TLS and AUTH as configured, and QUITs: greeting, capabilities, TLS, certificate, AUTH mechanism. */
  @Override public Map<String, String> check() {
    return pool.check();
  }

  @Override public String describe() { return settings.host() + ":" + settings.port(); }

  public SmtpSettings settings() { return settings; }

  /**
   * Closes the idle connections (QUIT) at once, and those in use as soon as the messages they are
   * carrying are done; fails messages still queued. Idempotent.
   */
  @Override public void close() {
    dispatcher.close();
  }

  @Override public String toString() { return "SmtpTransport[" + describe() + ", tls=" + settings.tls().configName() + "]"; }

  /**
   * Builds a transport in code; unset settings take the defaults of mail-smtp's {@code reference.conf}
   * (held here as Java values, kept equal to the file by a test: reading the config would cost a
   * program that sends one message ~10 MB of memory and 0.2 s).
   */
  public static final class Builder {
    private String host = "";
    private int port = 587;
    private TlsPolicy tls = TlsPolicy.STARTTLS;
    private Path trust;
    private boolean allowPlaintextAuth;
    private List<String> auth = List.of("xoauth2", "oauthbearer", "plain", "login");
    private String localName;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration replyTimeout = Duration.ofSeconds(60);
    private Duration dataEndTimeout = Duration.ofMinutes(10);
    private int maxConnections = 4;
    private int maxMessagesPerConnection = 100;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private String rateLimit = "";
    private int retryAttempts = 1;
    private Duration retryBackoff = Duration.ofSeconds(1);
    private Duration retryMaxBackoff = Duration.ofMinutes(1);
    private boolean pipelining = true;
    private boolean chunking = true;
    private List<String> dsnNotify = List.of();
    private String dsnRet = "";
    private Credentials credentials = Credentials.NONE;
    private TraceListener trace = TraceListener.NONE;
    private Consumer<String> warnings;

    private Builder() { }

    public Builder host(String host) { this.host = Objects.requireNonNull(host, "host"); return this; }
    public Builder port(int port) { this.port = port; return this; }
    public Builder tls(TlsPolicy tls) { this.tls = Objects.requireNonNull(tls, "tls"); return this; }
    /** A PEM file with the CA or the server certificate to trust instead of the JDK trust store. */
    public Builder trust(Path pem) { this.trust = pem; return this; }
    public Builder allowPlaintextAuth(boolean allow) { this.allowPlaintextAuth = allow; return this; }
    public Builder credentials(Credentials credentials) { this.credentials = Objects.requireNonNull(credentials); return this; }
    /** Shorthand for {@code credentials(Credentials.password(username, password))}. */
    public Builder login(String username, CredentialSource password) { return credentials(Credentials.password(username, password)); }
    /** SASL mechanisms in order of preference: {@code xoauth2, oauthbearer, plain, login, cram-md5}. */
    public Builder auth(String... mechanisms) {
      List<String> l = new ArrayList<>();
      for (String m : mechanisms) l.add(m.strip().toLowerCase(Locale.ROOT));
      this.auth = l;
      return this;
    }
    public Builder localName(String ehloName) { this.localName = Objects.requireNonNull(ehloName, "local-name"); return this; }
    public Builder connectTimeout(Duration d) { this.connectTimeout = Objects.requireNonNull(d, "timeouts.connect"); return this; }
    public Builder replyTimeout(Duration d) { this.replyTimeout = Objects.requireNonNull(d, "timeouts.reply"); return this; }
    public Builder dataEndTimeout(Duration d) { this.dataEndTimeout = Objects.requireNonNull(d, "timeouts.data-end"); return this; }
    public Builder maxConnections(int n) { this.maxConnections = n; return this; }
    /** 0 for no cap. */
    public Builder maxMessagesPerConnection(int n) { this.maxMessagesPerConnection = n; return this; }
    public Builder idleTimeout(Duration d) { this.idleTimeout = Objects.requireNonNull(d, "idle-timeout"); return this; }
    /** {@code "10/s"}, {@code "100/min"}, {@code "500/h"}; {@code ""} for none. */
    public Builder rateLimit(String rate) { this.rateLimit = Objects.requireNonNull(rate, "rate-limit"); return this; }
    /** Attempts in all for transient failures (1 = none), and the first backoff (doubling, with jitter). */
    public Builder retry(int attempts, Duration backoff) {
      this.retryAttempts = attempts;
      this.retryBackoff = Objects.requireNonNull(backoff, "retry.backoff");
      return this;
    }
    public Builder retryMaxBackoff(Duration d) { this.retryMaxBackoff = Objects.requireNonNull(d, "retry.max-backoff"); return this; }
    public Builder pipelining(boolean on) { this.pipelining = on; return this; }
    public Builder chunking(boolean on) { this.chunking = on; return this; }
    /** DSN (RFC 3461): NOTIFY values ({@code success}, {@code failure}, {@code delay} or {@code never}) and RET ({@code full}, {@code hdrs}, or null). */
    public Builder dsn(List<String> notify, String ret) {
      this.dsnNotify = List.copyOf(notify);
      this.dsnRet = ret == null ? "" : ret;
      return this;
    }
    public Builder trace(TraceListener trace) { this.trace = trace == null ? TraceListener.NONE : trace; return this; }
    public Builder warnings(Consumer<String> warnings) { this.warnings = warnings; return this; }

    /** @throws dev.herald.mail.InvalidConfigException when a setting is invalid or host is missing */
    public SmtpTransport build() {
      RateLimit rate;
      try {
        rate = RateLimit.parse(rateLimit);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("invalid smtp setting (SmtpTransport.builder()): rate-limit " + e.getMessage());
      }
      String trustName = trust == null ? "" : trust.toString().strip();
      Path trustPath = trustName.isEmpty() ? null : HeraldConfig.expandHome(trustName);
      SmtpSettings s = new SmtpSettings(host.strip(), port, tls, trustPath, allowPlaintextAuth, auth,
          localName == null ? null : localName.strip(),
          new SmtpSettings.Timeouts(connectTimeout, replyTimeout, dataEndTimeout), maxConnections,
          maxMessagesPerConnection, idleTimeout, rate, new SmtpSettings.Retry(retryAttempts, retryBackoff, retryMaxBackoff),
          pipelining, chunking, SmtpSettings.Dsn.of(dsnNotify, dsnRet));
      return new SmtpTransport(s, new TransportContext(credentials, trace, warnings), null);
    }
  }
}

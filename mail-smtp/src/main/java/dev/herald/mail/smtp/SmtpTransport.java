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
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
   * Builds a transport in code, and is the one way in for settings: {@link SmtpSettings#from} calls
   * these same methods, one per config key. Each setter only records its value; {@link #build()}
   * checks them all (the rules live in {@link SmtpSettings}'s constructors). Unset settings take the
   * defaults of mail-smtp's {@code reference.conf}, held here as Java values that a test keeps equal
   * to the file: reading the config would cost a program that sends one message ~10 MB and 0.2 s.
   */
  public static final class Builder {
    private String host = "";
    private int port = 587;
    private TlsPolicy tls = TlsPolicy.STARTTLS;
    private Path trust;
    private boolean allowPlaintextAuth;
    private List<String> auth = List.of("xoauth2", "oauthbearer", "plain", "login");
    private String localName;
    private InetAddress sourceAddress;
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

    /** {@code host}: the server's host name or address; required. */
    public Builder host(String host) { this.host = Objects.requireNonNull(host, "host"); return this; }
    /** {@code port}: 587 unless set. */
    public Builder port(int port) { this.port = port; return this; }
    /** {@code tls}: {@link TlsPolicy#STARTTLS} unless set. */
    public Builder tls(TlsPolicy tls) { this.tls = Objects.requireNonNull(tls, "tls"); return this; }
    /** {@code tls-trust}: a PEM file with the CA or the server certificate to trust instead of the JDK trust store; null for the JDK's. */
    public Builder trust(Path pem) { this.trust = pem; return this; }
    /** {@code allow-plaintext-auth}: AUTH over an unencrypted channel to a host that is not loopback. */
    public Builder allowPlaintextAuth(boolean allow) { this.allowPlaintextAuth = allow; return this; }
    public Builder credentials(Credentials credentials) { this.credentials = Objects.requireNonNull(credentials); return this; }
    /** Shorthand for {@code credentials(Credentials.password(username, password))}. */
    public Builder login(String username, CredentialSource password) { return credentials(Credentials.password(username, password)); }
    /** {@code auth}: SASL mechanisms in order of preference, any case: {@code xoauth2, oauthbearer, plain, login, cram-md5}. */
    public Builder auth(String... mechanisms) { return auth(List.of(mechanisms)); }
    /** {@code auth}, as a list. */
    public Builder auth(List<String> mechanisms) { this.auth = List.copyOf(mechanisms); return this; }
    /** {@code local-name}: the EHLO name; blank for this host's name. */
    public Builder localName(String ehloName) { this.localName = Objects.requireNonNull(ehloName, "local-name"); return this; }
    /** {@code source-address}: the local address to connect from; null for the system's choice. */
    public Builder sourceAddress(InetAddress local) { this.sourceAddress = local; return this; }
    /** {@code timeouts.connect}. */
    public Builder connectTimeout(Duration d) { this.connectTimeout = Objects.requireNonNull(d, "timeouts.connect"); return this; }
    /** {@code timeouts.reply}: each reply, and the TLS handshake. */
    public Builder replyTimeout(Duration d) { this.replyTimeout = Objects.requireNonNull(d, "timeouts.reply"); return this; }
    /** {@code timeouts.data-end}: the reply to the end of a message. */
    public Builder dataEndTimeout(Duration d) { this.dataEndTimeout = Objects.requireNonNull(d, "timeouts.data-end"); return this; }
    /** {@code max-connections}: connections kept open for concurrent sending. */
    public Builder maxConnections(int n) { this.maxConnections = n; return this; }
    /** {@code max-messages-per-connection}: 0 for no cap. */
    public Builder maxMessagesPerConnection(int n) { this.maxMessagesPerConnection = n; return this; }
    /** {@code idle-timeout}: a connection idle longer than this is checked with NOOP before reuse. */
    public Builder idleTimeout(Duration d) { this.idleTimeout = Objects.requireNonNull(d, "idle-timeout"); return this; }
    /** {@code rate-limit}: {@code "10/s"}, {@code "100/min"}, {@code "500/h"}; {@code ""} for none. */
    public Builder rateLimit(String rate) { this.rateLimit = Objects.requireNonNull(rate, "rate-limit"); return this; }
    /** {@code retry.attempts}: attempts in all for a transient failure (1 = no retry). */
    public Builder retryAttempts(int attempts) { this.retryAttempts = attempts; return this; }
    /** {@code retry.backoff}: the first wait, doubled after each failure (with jitter). */
    public Builder retryBackoff(Duration d) { this.retryBackoff = Objects.requireNonNull(d, "retry.backoff"); return this; }
    /** {@code retry.max-backoff}: the longest wait. */
    public Builder retryMaxBackoff(Duration d) { this.retryMaxBackoff = Objects.requireNonNull(d, "retry.max-backoff"); return this; }
    /** Shorthand for {@code retryAttempts(attempts).retryBackoff(backoff)}. */
    public Builder retry(int attempts, Duration backoff) { return retryAttempts(attempts).retryBackoff(backoff); }
    /** {@code pipelining}: PIPELINING (RFC 2920) when the server offers it. */
    public Builder pipelining(boolean on) { this.pipelining = on; return this; }
    /** {@code chunking}: CHUNKING/BDAT (RFC 3030) when the server offers it (and PIPELINING). */
    public Builder chunking(boolean on) { this.chunking = on; return this; }
    /** {@code dsn.notify} (RFC 3461): {@code never}, or any of {@code success}, {@code failure}, {@code delay}; empty for the server's default. */
    public Builder dsnNotify(List<String> notify) { this.dsnNotify = List.copyOf(notify); return this; }
    /** {@code dsn.ret}: {@code full}, {@code hdrs}, or blank (or null) for none. */
    public Builder dsnRet(String ret) { this.dsnRet = ret == null ? "" : ret; return this; }
    /** Shorthand for {@code dsnNotify(notify).dsnRet(ret)}. */
    public Builder dsn(List<String> notify, String ret) { return dsnNotify(notify).dsnRet(ret); }
    public Builder trace(TraceListener trace) { this.trace = trace == null ? TraceListener.NONE : trace; return this; }
    public Builder warnings(Consumer<String> warnings) { this.warnings = warnings; return this; }

    /** @throws InvalidConfigException naming the setting's key, when a setting is invalid or host is missing */
    public SmtpTransport build() {
      return new SmtpTransport(settings(), new TransportContext(credentials, trace, warnings), null);
    }

    /** The checked settings; what {@link SmtpSettings#from} returns. */
    SmtpSettings settings() {
      RateLimit rate;
      try {
        rate = RateLimit.parse(rateLimit);
      } catch (IllegalArgumentException e) {
        throw SmtpSettings.invalid("rate-limit", e.getMessage());
      }
      String trustName = trust == null ? "" : trust.toString().strip();
      return new SmtpSettings(host, port, tls, trustName.isEmpty() ? null : HeraldConfig.expandHome(trustName),
          allowPlaintextAuth, auth, localName, new SmtpSettings.Timeouts(connectTimeout, replyTimeout, dataEndTimeout),
          maxConnections, maxMessagesPerConnection, idleTimeout, rate,
          new SmtpSettings.Retry(retryAttempts, retryBackoff, retryMaxBackoff), pipelining, chunking,
          new SmtpSettings.Dsn(dsnNotify, dsnRet), sourceAddress);
    }
  }
}

package dev.herald.mail.testkit;

import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The options of {@link MockSmtpServer.Builder} and the providers it can pass for; apart from the
 * running server, so that an option is one field of {@link ServerOptions} plus one method here.
 *
 * @param <B> the builder, returned by every method for chaining
 */
abstract class ServerBuilder<B extends ServerBuilder<B>> {
  final ServerOptions options = new ServerOptions();

  ServerBuilder() { }

  @SuppressWarnings("unchecked")
  private B self() { return (B) this; }

  /** NONE, STARTTLS (default) or IMPLICIT. */
  public B tls(TlsMode mode) { options.tlsMode = Objects.requireNonNull(mode, "mode"); return self(); }

  /** Presents a certificate for {@code wrong.example} instead of localhost/127.0.0.1. */
  public B wrongHostCertificate() { options.wrongHost = true; return self(); }

  /**
   * Presents a certificate valid only from {@code notBefore} to {@code notAfter}: an expired one, or
   * one not yet valid (certificate error tests). By default it is valid from yesterday for ten years.
   */
  public B certificateValidity(Instant notBefore, Instant notAfter) {
    if (!notAfter.isAfter(notBefore)) throw new IllegalArgumentException("notAfter must follow notBefore");
    options.notBefore = notBefore;
    options.notAfter = notAfter;
    return self();
  }

  /** Listens on another local address than 127.0.0.1 (keep it on loopback in tests). */
  public B bindAddress(InetAddress address) { options.bindAddress = Objects.requireNonNull(address); return self(); }

  /** The server's name in its greeting and EHLO reply (default {@code localhost}). */
  public B hostname(String hostname) { options.hostname = Objects.requireNonNull(hostname); return self(); }

  /** The greeting text after {@code 220 } (default {@code <hostname> ESMTP Herald MockSmtpServer ready}). */
  public B greeting(String text) { options.greeting = text; return self(); }

  /**
   * The first line of the EHLO reply after {@code 250-} (default {@code <hostname> Hello <client name>}),
   * e.g. {@code "smtp.gmail.com at your service, [127.0.0.1]"}.
   */
  public B ehloGreeting(String text) { options.ehloGreeting = text; return self(); }

  /**
   * The AUTH mechanisms advertised, in this order (default PLAIN, LOGIN, XOAUTH2); none means no
   * AUTH extension. PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER work; others are advertised and then
   * refused with {@code 504 5.5.4} when used.
   */
  public B authMechanisms(String... mechanisms) {
    options.authMechanisms.clear();
    for (String m : mechanisms) options.authMechanisms.add(m.toUpperCase(Locale.ROOT));
    return self();
  }

  /** A user for PLAIN and LOGIN. The first user goes into {@link MockSmtpServer#profile()}. */
  public B user(String username, String password) {
    options.users.put(Objects.requireNonNull(username), Objects.requireNonNull(password));
    return self();
  }

  /** A bearer token for XOAUTH2 and OAUTHBEARER. */
  public B token(String username, String token) {
    options.tokens.put(Objects.requireNonNull(username), Objects.requireNonNull(token));
    return self();
  }

  /** Whether PIPELINING is advertised (default on); pipelined commands are answered in order either way. */
  public B pipelining(boolean on) { options.pipelining = on; return self(); }

  /** The SIZE advertised: a positive limit, 0 for {@code SIZE} without a number, negative for no SIZE extension. */
  public B size(long octets) { options.size = octets; return self(); }

  /** Whether SMTPUTF8 is advertised and accepted (default on). */
  public B smtpUtf8(boolean on) { options.smtpUtf8 = on; return self(); }

  /** Whether 8BITMIME is advertised and {@code BODY=} accepted (default on). */
  public B eightBitMime(boolean on) { options.eightBitMime = on; return self(); }

  /** Whether replies carry RFC 3463 codes ({@code 250 2.1.0 …}) and ENHANCEDSTATUSCODES is advertised. */
  public B enhancedStatusCodes(boolean on) { options.enhancedStatusCodes = on; return self(); }

  /** Whether DSN is advertised and its parameters accepted (default on). */
  public B dsn(boolean on) { options.dsn = on; return self(); }

  /** CHUNKING (BDAT); off by default. */
  public B chunking(boolean on) { options.chunking = on; return self(); }

  /** An extra EHLO line, advertised as is (e.g. {@code "X-HERALD"}); the server does nothing else with it. */
  public B extension(String ehloLine) { options.extraExtensions.add(Objects.requireNonNull(ehloLine)); return self(); }

  /** The largest message accepted (default: the SIZE advertised, or 25 MiB); larger ones get 552. */
  public B maxMessageSize(long octets) { options.maxMessageSize = octets; return self(); }

  /** The longest line accepted in a message, CRLF included (default 1000, RFC 5321). Commands may be up to 16 KiB. */
  public B maxLineLength(int octets) {
    if (octets < 80) throw new IllegalArgumentException("maxLineLength below 80: " + octets);
    options.maxLineLength = octets;
    return self();
  }

  /** Recipients per message before {@code 452 4.5.3} (default 1000). */
  public B maxRecipients(int n) { options.maxRecipients = n; return self(); }

  /** How long a session waits for the client before {@code 421 4.4.2} and close (default 30 s). */
  public B readTimeout(Duration timeout) { options.readTimeout = Objects.requireNonNull(timeout); return self(); }

  /** Refuses MAIL with {@code 530 5.7.0} until STARTTLS (like Gmail). */
  public B requireTls(boolean on) { options.requireTls = on; return self(); }

  /** Refuses MAIL with {@code 530 5.7.0} until AUTH; by default on when a user or token is configured. */
  public B requireAuth(boolean on) { options.requireAuth = on; return self(); }

  /** Advertises and accepts AUTH only after STARTTLS (like Gmail); off by default. */
  public B authOnlyAfterTls(boolean on) { options.authOnlyAfterTls = on; return self(); }

  /** Keeps at most this many messages (and untaken messages) in memory; for long-running dev servers. */
  public B maxRecordedMessages(int n) {
    if (n < 1) throw new IllegalArgumentException("maxRecordedMessages below 1");
    options.maxRecordedMessages = n;
    return self();
  }

  /** Keeps at most this many lines of the server-wide transcript (default 100 000). */
  public B maxTranscriptLines(int n) {
    if (n < 0) throw new IllegalArgumentException("maxTranscriptLines below 0");
    options.maxTranscriptLines = n;
    return self();
  }

  /** Open connections at once before new ones get {@code 421 4.3.2} and are closed (default 100). */
  public B maxConnections(int n) {
    if (n < 1) throw new IllegalArgumentException("maxConnections below 1");
    options.maxConnections = n;
    return self();
  }

  /** The escape hatch; see {@link SmtpDispatcher}. */
  public B dispatcher(SmtpDispatcher dispatcher) { options.dispatcher = dispatcher; return self(); }

  /** Called for every message accepted; see {@link MockSmtpServer#onMessage}. */
  public B onMessage(Consumer<RecordedMessage> listener) { options.listener = listener; return self(); }

  /**
   * The text of the {@code 535} that refuses bad credentials (several lines make a multi-line
   * reply); default {@code 5.7.8 Authentication credentials invalid} (and Gmail's
   * {@code 5.7.8 Username and Password not accepted} after a failed XOAUTH2/OAUTHBEARER exchange).
   */
  public B authFailure(String... lines) {
    options.authFailure = new Fault.Reply(535, List.of(lines), false).lines();
    return self();
  }

  /** Gmail's submission server, as seen from port 587: its greeting and EHLO lines, AUTH after STARTTLS, TLS required. */
  public B gmailLike() {
    hostname("smtp.gmail.com");
    greeting("smtp.gmail.com ESMTP a1-20020a170902b58100b001234567890sm1234567pls.123 - gsmtp");
    ehloGreeting("smtp.gmail.com at your service, [127.0.0.1]");
    authMechanisms("LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH");
    size(35_882_577);
    chunking(true);
    dsn(false);
    requireTls(true);
    authOnlyAfterTls(true);
    return authFailure("5.7.8 Username and Password not accepted. For more information, go to",
        "5.7.8  https://support.google.com/mail/?p=BadCredentials a1-20020a170902b58100b001234567890sm1234567pls.123 - gsmtp");
  }
}

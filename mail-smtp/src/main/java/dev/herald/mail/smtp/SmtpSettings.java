package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The typed settings of the SMTP transport, read eagerly from a profile by {@link #from(Config)};
 * defaults come from mail-smtp's {@code reference.conf} ({@code herald.transports.smtp}).
 *
 * @param tlsTrust a PEM file of CAs or certificates to trust instead of the JDK's, or null
 * @param auth SASL mechanism names, lower case, in order of preference
 * @param localName the EHLO name, or null for this host's name (else an address literal)
 * @param maxMessagesPerConnection 0 for no cap
 * @param idleTimeout a kept connection idle longer than this is checked with NOOP before reuse
 * @param rateLimit messages per period, or {@link RateLimit#NONE}
 */
public record SmtpSettings(String host, int port, TlsPolicy tls, Path tlsTrust, boolean allowPlaintextAuth,
    List<String> auth, String localName, Timeouts timeouts, int maxConnections, int maxMessagesPerConnection,
    Duration idleTimeout, RateLimit rateLimit, Retry retry, boolean pipelining, boolean chunking, Dsn dsn) {

  /**
   * Every network wait is bounded ({@code timeouts { … }}).
   *
   * @param connect opening the TCP connection
   * @param reply each reply of the server, and the TLS handshake
   * @param dataEnd the reply to the end of the message
   */
  public record Timeouts(Duration connect, Duration reply, Duration dataEnd) {
    public Timeouts {
      for (Duration d : List.of(connect, reply, dataEnd)) {
        if (d.isNegative() || d.isZero()) throw new InvalidConfigException("timeouts must be positive: " + d);
      }
    }
  }

  /**
   * Retry of transient failures ({@code retry { … }}): exponential backoff with jitter.
   *
   * @param attempts attempts in all (1 = no retry)
   * @param backoff the first wait, doubled after each failure
   * @param maxBackoff the longest wait
   */
  public record Retry(int attempts, Duration backoff, Duration maxBackoff) {
    public Retry {
      if (attempts < 1) throw new InvalidConfigException("retry.attempts must be at least 1 (1 = no retry)");
      if (backoff.isNegative() || maxBackoff.isNegative()) throw new InvalidConfigException("retry backoffs must not be negative");
    }
  }

  /**
   * Delivery status notification parameters (RFC 3461; {@code dsn { … }}), sent when the server offers DSN.
   *
   * @param notifyOn NOTIFY values in upper case (the {@code notify} key); empty for the server's default
   * @param ret {@code FULL}, {@code HDRS}, or null
   */
  public record Dsn(List<String> notifyOn, String ret) {
    public Dsn {
      notifyOn = List.copyOf(notifyOn);
    }

    /**
     * Checked and normalised values as a user writes them: any case; {@code ret} null or blank for none.
     *
     * @throws InvalidConfigException for an unknown value, or {@code never} with others
     */
    public static Dsn of(List<String> notify, String ret) {
      List<String> values = new ArrayList<>();
      for (String n : notify) {
        String v = n.strip().toUpperCase(Locale.ROOT);
        if (!NOTIFY.contains(v)) throw new InvalidConfigException("dsn.notify '" + n + "' is not one of never, success, failure, delay");
        values.add(v);
      }
      if (values.contains("NEVER") && values.size() > 1) throw new InvalidConfigException("dsn.notify: never cannot be combined with other values");
      String r = ret == null ? "" : ret.strip().toUpperCase(Locale.ROOT);
      if (!r.isEmpty() && !r.equals("FULL") && !r.equals("HDRS")) throw new InvalidConfigException("dsn.ret '" + ret + "' is not full or hdrs");
      return new Dsn(values, r.isEmpty() ? null : r);
    }
  }

  /** The mechanisms this transport implements. */
  public static final List<String> MECHANISMS = List.of("xoauth2", "oauthbearer", "plain", "login", "cram-md5");
  private static final Set<String> NOTIFY = Set.of("NEVER", "SUCCESS", "FAILURE", "DELAY");
  private static final String ROOT = "herald.transports.smtp";

  public SmtpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    auth = List.copyOf(auth);
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(dsn, "dsn");
    Objects.requireNonNull(rateLimit, "rateLimit");
    if (host.isBlank()) throw new InvalidConfigException("host is empty: set the SMTP server's host name");
    if (port < 1 || port > 65535) throw new InvalidConfigException("port " + port + " is out of range 1-65535");
    if (localName != null && localName.isBlank()) localName = null;
    // Both go into protocol lines or SNI: a space or line break there would be command injection.
    if (!token(host)) throw new InvalidConfigException("host '" + host.strip() + "' must be a host name or address, without spaces");
    if (localName != null && !token(localName)) {
      throw new InvalidConfigException("local-name '" + localName.strip() + "' must be a domain name or an address literal such as [192.0.2.1]");
    }
    if (maxConnections < 1) throw new InvalidConfigException("max-connections must be at least 1, not " + maxConnections);
    if (maxMessagesPerConnection < 0) throw new InvalidConfigException("max-messages-per-connection must be 0 (no cap) or more");
    if (idleTimeout.isNegative()) throw new InvalidConfigException("idle-timeout must not be negative: " + idleTimeout);
    for (String m : auth) {
      if (!MECHANISMS.contains(m)) {
        throw new InvalidConfigException("unknown AUTH mechanism '" + m + "'; known: " + String.join(", ", MECHANISMS));
      }
    }
  }

  /**
   * Reads every key of a profile (the user's keys over a preset over the transport defaults).
   * Keys the profile lacks fall back to mail-smtp's {@code reference.conf}.
   *
   * @throws InvalidConfigException naming the key, its file and line, and the valid choices
   */
  public static SmtpSettings from(Config profile) {
    Config c = profile.withFallback(ConfigFactory.defaultReference(SmtpSettings.class.getClassLoader()).getConfig(ROOT));
    try {
      String tlsName = c.getString("tls");
      TlsPolicy tls = TlsPolicy.parse(tlsName);
      if (tls == null) throw invalid(c, "tls", "'" + tlsName + "' is not a TLS policy; choose starttls, implicit, opportunistic or none");
      String trust = c.getString("tls-trust").strip();
      Path trustPath = trust.isEmpty() ? null : HeraldConfig.expandHome(trust);
      List<String> auth = new ArrayList<>();
      for (String m : stringList(c, "auth")) {
        String name = m.strip().toLowerCase(Locale.ROOT);
        if (!MECHANISMS.contains(name)) {
          throw invalid(c, "auth", "unknown mechanism '" + m + "'; choose from " + String.join(", ", MECHANISMS));
        }
        auth.add(name);
      }
      String rate = c.getString("rate-limit");
      RateLimit limit;
      try {
        limit = RateLimit.parse(rate);
      } catch (IllegalArgumentException e) {
        throw invalid(c, "rate-limit", e.getMessage());
      }
      List<String> notify = new ArrayList<>();
      for (String n : stringList(c, "dsn.notify")) {
        String v = n.strip().toUpperCase(Locale.ROOT);
        if (!NOTIFY.contains(v)) throw invalid(c, "dsn.notify", "'" + n + "' is not one of never, success, failure, delay");
        notify.add(v);
      }
      if (notify.contains("NEVER") && notify.size() > 1) throw invalid(c, "dsn.notify", "never cannot be combined with other values");
      String ret = c.getString("dsn.ret").strip().toUpperCase(Locale.ROOT);
      if (!ret.isEmpty() && !ret.equals("FULL") && !ret.equals("HDRS")) throw invalid(c, "dsn.ret", "'" + ret + "' is not full or hdrs");
      int port = c.getInt("port");
      if (port < 1 || port > 65535) throw invalid(c, "port", port + " is out of range 1-65535");
      String host = c.getString("host").strip();
      if (host.isEmpty()) throw invalid(c, "host", "is empty; set the SMTP server's host name");
      int maxConn = c.getInt("max-connections");
      if (maxConn < 1) throw invalid(c, "max-connections", "must be at least 1");
      int attempts = c.getInt("retry.attempts");
      if (attempts < 1) throw invalid(c, "retry.attempts", "must be at least 1 (1 = no retry)");
      int perConn = c.getInt("max-messages-per-connection");
      if (perConn < 0) throw invalid(c, "max-messages-per-connection", "must be 0 (no cap) or more");
      Timeouts timeouts = new Timeouts(positive(c, "timeouts.connect"), positive(c, "timeouts.reply"),
          positive(c, "timeouts.data-end"));
      Retry retry = new Retry(attempts, c.getDuration("retry.backoff"), c.getDuration("retry.max-backoff"));
      return new SmtpSettings(host, port, tls, trustPath, c.getBoolean("allow-plaintext-auth"), auth,
          c.getString("local-name").strip(), timeouts, maxConn, perConn, c.getDuration("idle-timeout"), limit, retry,
          c.getBoolean("pipelining"), c.getBoolean("chunking"), new Dsn(notify, ret.isEmpty() ? null : ret));
    } catch (ConfigException e) {
      String where = e.origin() == null ? "" : " (" + e.origin().description() + ")";
      throw new InvalidConfigException("invalid smtp setting" + where + ": " + e.getMessage(), e);
    }
  }

  /** A copy with another host and port. */
  public SmtpSettings withServer(String host, int port) {
    return new SmtpSettings(host, port, tls, tlsTrust, allowPlaintextAuth, auth, localName, timeouts, maxConnections,
        maxMessagesPerConnection, idleTimeout, rateLimit, retry, pipelining, chunking, dsn);
  }

  private static Duration positive(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isZero() || d.isNegative()) throw invalid(c, key, "must be positive (a wait without end is never allowed)");
    return d;
  }

  private static boolean token(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) return false;
    }
    return true;
  }

  private static List<String> stringList(Config c, String key) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() == ConfigValueType.STRING) {
      List<String> out = new ArrayList<>();
      for (String s : ((String) v.unwrapped()).split(",")) if (!s.isBlank()) out.add(s.strip());
      return out;
    }
    return c.getStringList(key);
  }

  private static InvalidConfigException invalid(Config c, String key, String why) {
    ConfigValue v = c.getValue(key);
    String origin = v.origin() == null ? "" : v.origin().description() + ": ";
    return new InvalidConfigException(origin + key + " " + why);
  }
}

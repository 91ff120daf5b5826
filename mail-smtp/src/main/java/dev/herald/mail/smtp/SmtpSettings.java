package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.herald.mail.InvalidConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The typed settings of the SMTP transport. Made by {@link SmtpTransport#builder()} in code, or by
 * {@link #from(Config)} from a profile, which turns each key into one call of that builder. Each
 * rule on a value lives once, in the constructors below; defaults live in mail-smtp's
 * {@code reference.conf} ({@code herald.transports.smtp}), mirrored by the builder's Java values
 * (a test keeps them equal). How to add a setting: see the package documentation.
 *
 * @param host the server's host name or address, without spaces
 * @param tlsTrust a PEM file of CAs or certificates to trust instead of the JDK's, or null
 * @param auth SASL mechanism names, lower case, in order of preference
 * @param localName the EHLO name, or null for this host's name (else an address literal)
 * @param maxMessagesPerConnection 0 for no cap
 * @param idleTimeout a kept connection idle longer than this is checked with NOOP before reuse
 * @param rateLimit messages per period, or {@link RateLimit#NONE}
 * @param sourceAddress the local address to connect from, or null for the system's choice
 */
public record SmtpSettings(String host, int port, TlsPolicy tls, Path tlsTrust, boolean allowPlaintextAuth,
    List<String> auth, String localName, Timeouts timeouts, int maxConnections, int maxMessagesPerConnection,
    Duration idleTimeout, RateLimit rateLimit, Retry retry, boolean pipelining, boolean chunking, Dsn dsn,
    InetAddress sourceAddress) {

  /**
   * Every network wait is bounded ({@code timeouts { … }}).
   *
   * @param connect opening the TCP connection
   * @param reply each reply of the server, and the TLS handshake
   * @param dataEnd the reply to the end of the message
   */
  public record Timeouts(Duration connect, Duration reply, Duration dataEnd) {
    public Timeouts {
      positive("timeouts.connect", connect);
      positive("timeouts.reply", reply);
      positive("timeouts.data-end", dataEnd);
    }

    private static void positive(String key, Duration d) {
      Objects.requireNonNull(d, key);
      if (d.isNegative() || d.isZero()) throw invalid(key, "must be positive, not " + d + " (a wait without end is never allowed)");
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
      if (attempts < 1) throw invalid("retry.attempts", "must be at least 1 (1 = no retry), not " + attempts);
      if (Objects.requireNonNull(backoff, "retry.backoff").isNegative()) throw invalid("retry.backoff", "must not be negative");
      if (Objects.requireNonNull(maxBackoff, "retry.max-backoff").isNegative()) throw invalid("retry.max-backoff", "must not be negative");
    }
  }

  /**
   * Delivery status notification parameters (RFC 3461; {@code dsn { … }}), sent when the server offers DSN.
   * Values are taken in any case and kept in upper case.
   *
   * @param notifyOn NOTIFY values (the {@code notify} key): {@code NEVER}, or any of {@code SUCCESS},
   *     {@code FAILURE}, {@code DELAY}; empty for the server's default
   * @param ret {@code FULL}, {@code HDRS}, or null (also for a blank value)
   */
  public record Dsn(List<String> notifyOn, String ret) {
    public Dsn {
      List<String> values = new ArrayList<>();
      for (String n : notifyOn) {
        String v = n.strip().toUpperCase(Locale.ROOT);
        if (!v.equals("NEVER") && !v.equals("SUCCESS") && !v.equals("FAILURE") && !v.equals("DELAY")) {
          throw invalid("dsn.notify", "'" + n + "' is not one of never, success, failure, delay");
        }
        values.add(v);
      }
      if (values.contains("NEVER") && values.size() > 1) throw invalid("dsn.notify", "never cannot be combined with other values");
      notifyOn = List.copyOf(values);
      String r = ret == null ? "" : ret.strip().toUpperCase(Locale.ROOT);
      if (!r.isEmpty() && !r.equals("FULL") && !r.equals("HDRS")) throw invalid("dsn.ret", "'" + ret + "' is not full or hdrs");
      ret = r.isEmpty() ? null : r;
    }
  }

  /** The mechanisms this transport implements. */
  public static final List<String> MECHANISMS = List.of("xoauth2", "oauthbearer", "plain", "login", "cram-md5");
  private static final String ROOT = "herald.transports.smtp";

  public SmtpSettings {
    host = Objects.requireNonNull(host, "host").strip();
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(dsn, "dsn");
    Objects.requireNonNull(rateLimit, "rate-limit");
    Objects.requireNonNull(idleTimeout, "idle-timeout");
    if (host.isEmpty()) throw invalid("host", "is empty; set the SMTP server's host name");
    // Both go into protocol lines or SNI: a space or line break there would be command injection.
    if (!token(host)) throw invalid("host", "'" + host + "' must be a host name or address, without spaces");
    if (port < 1 || port > 65535) throw invalid("port", port + " is out of range 1-65535");
    List<String> mechanisms = new ArrayList<>(auth.size());
    for (String m : auth) {
      String name = m.strip().toLowerCase(Locale.ROOT);
      if (!MECHANISMS.contains(name)) throw invalid("auth", "has unknown mechanism '" + m + "'; choose from " + String.join(", ", MECHANISMS));
      mechanisms.add(name);
    }
    auth = List.copyOf(mechanisms);
    localName = localName == null || localName.isBlank() ? null : localName.strip();
    if (localName != null && !token(localName)) {
      throw invalid("local-name", "'" + localName + "' must be a domain name or an address literal such as [192.0.2.1]");
    }
    if (maxConnections < 1) throw invalid("max-connections", "must be at least 1, not " + maxConnections);
    if (maxMessagesPerConnection < 0) {
      throw invalid("max-messages-per-connection", "must be 0 (no cap) or more, not " + maxMessagesPerConnection);
    }
    if (idleTimeout.isNegative()) throw invalid("idle-timeout", "must not be negative: " + idleTimeout);
  }

  /**
   * Reads a profile (the user's keys over a preset over the transport defaults): each key of
   * mail-smtp's {@code reference.conf} becomes one call of {@link SmtpTransport.Builder}, so a value
   * is checked by the same rules in code and in config. Keys the profile lacks take their defaults.
   *
   * @throws InvalidConfigException naming the key, its file and line, and what is allowed
   */
  public static SmtpSettings from(Config profile) {
    Config defaults = ConfigFactory.defaultReference(SmtpSettings.class.getClassLoader()).getConfig(ROOT);
    Config c = profile.withFallback(defaults);
    SmtpTransport.Builder b = SmtpTransport.builder();
    try {
      setAll(b, c, defaults.root(), "");
      return b.settings();
    } catch (InvalidSetting e) {
      throw new InvalidConfigException(where(c, e.key) + e.getMessage());
    } catch (ConfigException e) {
      // A block replaced by a value (timeouts = 5s): Typesafe's message names file, line and key.
      throw new InvalidConfigException(e.getMessage());
    }
  }

  /** Each leaf key of {@code defaults}; by key names, not entrySet(), which hashes every value. */
  private static void setAll(SmtpTransport.Builder b, Config c, ConfigObject defaults, String prefix) {
    for (String name : defaults.keySet()) {
      if (defaults.get(name) instanceof ConfigObject block) setAll(b, c, block, prefix + name + ".");
      else set(b, c, prefix + name);
    }
  }

  /**
   * The table of keys: one builder call per leaf key of {@code reference.conf}. A switch, not a map
   * of lambdas: the CLI reads it on every start, and each lambda would cost a class at start-up.
   */
  private static void set(SmtpTransport.Builder b, Config c, String key) {
    switch (key) {
      case "host" -> b.host(string(c, key));
      case "port" -> b.port(integer(c, key));
      case "tls" -> b.tls(tls(c, key));
      case "tls-trust" -> b.trust(path(c, key));
      case "allow-plaintext-auth" -> b.allowPlaintextAuth(bool(c, key));
      case "auth" -> b.auth(list(c, key));
      case "local-name" -> b.localName(string(c, key));
      case "source-address" -> b.sourceAddress(address(c, key));
      case "timeouts.connect" -> b.connectTimeout(duration(c, key));
      case "timeouts.reply" -> b.replyTimeout(duration(c, key));
      case "timeouts.data-end" -> b.dataEndTimeout(duration(c, key));
      case "max-connections" -> b.maxConnections(integer(c, key));
      case "max-messages-per-connection" -> b.maxMessagesPerConnection(integer(c, key));
      case "idle-timeout" -> b.idleTimeout(duration(c, key));
      case "rate-limit" -> b.rateLimit(string(c, key));
      case "retry.attempts" -> b.retryAttempts(integer(c, key));
      case "retry.backoff" -> b.retryBackoff(duration(c, key));
      case "retry.max-backoff" -> b.retryMaxBackoff(duration(c, key));
      case "pipelining" -> b.pipelining(bool(c, key));
      case "chunking" -> b.chunking(bool(c, key));
      case "dsn.notify" -> b.dsnNotify(list(c, key));
      case "dsn.ret" -> b.dsnRet(string(c, key));
      default -> throw new IllegalStateException("reference.conf has " + ROOT + "." + key
          + " but SmtpSettings.set has no builder call for it");
    }
  }

  private static String string(Config c, String key) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw invalid(key, "must be a single value, not " + v.valueType().name().toLowerCase(Locale.ROOT));
    }
    return String.valueOf(v.unwrapped()).strip();
  }

  private static int integer(Config c, String key) {
    try {
      return c.getInt(key);
    } catch (ConfigException e) {
      throw invalid(key, "'" + string(c, key) + "' is not a whole number");
    }
  }

  private static boolean bool(Config c, String key) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      throw invalid(key, "'" + string(c, key) + "' is not true or false");
    }
  }

  private static Duration duration(Config c, String key) {
    try {
      return c.getDuration(key);
    } catch (ConfigException e) {
      throw invalid(key, "'" + string(c, key) + "' is not a duration; write it as 500ms, 30s, 10m or 1h");
    }
  }

  private static TlsPolicy tls(Config c, String key) {
    String name = string(c, key);
    TlsPolicy tls = TlsPolicy.parse(name);
    if (tls == null) throw invalid(key, "'" + name + "' is not a TLS policy; choose starttls, implicit, opportunistic or none");
    return tls;
  }

  private static Path path(Config c, String key) {
    String s = string(c, key);
    try {
      return s.isEmpty() ? null : Path.of(s);
    } catch (IllegalArgumentException e) { // InvalidPathException, not named: one class less to load at start-up
      throw invalid(key, "'" + s + "' is not a file path");
    }
  }

  /** An address literal, or null for "": a host name would cost a DNS lookup while reading the config. */
  private static InetAddress address(Config c, String key) {
    String s = string(c, key);
    if (s.isEmpty()) return null;
    try {
      if (s.indexOf(':') >= 0 ? s.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*") : ipv4(s)) return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      // not a valid literal after all
    }
    throw invalid(key, "'" + s + "' is not an IP address; write an address of this machine such as 192.0.2.10 or 2001:db8::10");
  }

  private static boolean ipv4(String s) {
    if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) return false;
    for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return false;
    return true;
  }

  /** A list, or one string of comma-separated names ({@code auth = "plain, login"}). */
  private static List<String> list(Config c, String key) {
    ConfigValue v = c.getValue(key);
    List<String> out = new ArrayList<>();
    if (v.valueType() == ConfigValueType.LIST) {
      for (ConfigValue item : c.getList(key)) out.add(String.valueOf(item.unwrapped()));
    } else {
      for (String s : string(c, key).split(",")) if (!s.isBlank()) out.add(s.strip());
    }
    return out;
  }

  private static boolean token(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) return false;
    }
    return true;
  }

  /** Where the user set {@code key}, as {@code "herald.conf: 12: "}; empty for a default of reference.conf. */
  private static String where(Config c, String key) {
    ConfigOrigin o;
    try {
      o = c.getValue(key).origin();
    } catch (ConfigException e) {
      return "";
    }
    if ("reference.conf".equals(o.resource()) || o.description() == null) return "";
    return o.description().replaceFirst("^merge of ", "") + ": ";
  }

  static InvalidSetting invalid(String key, String why) {
    return new InvalidSetting(key, key + " " + why);
  }

  /** A bad value, with its key: {@link #from} adds the file and line where the key was set. */
  static final class InvalidSetting extends InvalidConfigException {
    private static final long serialVersionUID = 1L;
    final String key;

    InvalidSetting(String key, String message) {
      super(message);
      this.key = key;
    }
  }
}

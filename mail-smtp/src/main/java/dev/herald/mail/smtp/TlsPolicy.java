package dev.herald.mail.smtp;

import java.util.Locale;

/** How the connection is secured; the profile's {@code tls} key. Certificates and host names are always verified. */
public enum TlsPolicy {
  /** STARTTLS is required: a server without it, or a failed handshake, stops the send before any secret or message. */
  STARTTLS,
  /** TLS from the first byte (SMTPS, usually port 465; RFC 8314). */
  IMPLICIT,
  /** STARTTLS when offered, plaintext otherwise; AUTH is refused over plaintext. */
  OPPORTUNISTIC,
  /** Plaintext; AUTH only to a loopback host or with {@code allow-plaintext-auth = true}. */
  NONE;

  /** The config spelling: {@code starttls}, {@code implicit}, {@code opportunistic}, {@code none}. */
  public String configName() { return name().toLowerCase(Locale.ROOT); }

  /** Parses the config spelling; null when {@code value} is none of them. */
  static TlsPolicy parse(String value) {
    for (TlsPolicy p : values()) if (p.configName().equalsIgnoreCase(value.strip())) return p;
    return null;
  }
}

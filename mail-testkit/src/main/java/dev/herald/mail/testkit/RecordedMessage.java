package dev.herald.mail.testkit;

import dev.herald.mail.Envelope;
import dev.herald.mail.testkit.internal.MimeParts;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A message the {@link MockSmtpServer} accepted, with everything known about how it arrived.
 * Immutable: {@link #raw()} returns a copy and {@link #mime()} parses a fresh message each call.
 */
public final class RecordedMessage {
  private static final Session SESSION = mailSession();

  private final int index;
  private final int session;
  private final Envelope envelope;
  private final Map<String, String> mailParameters;
  private final Map<String, Map<String, String>> rcptParameters;
  private final byte[] raw;
  private final boolean tls;
  private final String tlsProtocol;
  private final String authenticatedUser;
  private final String authMechanism;
  private final String heloName;
  private final boolean chunked;
  private final List<String> transcript;
  private final Instant receivedAt;

  RecordedMessage(int index, int session, Envelope envelope, Map<String, String> mailParameters,
      Map<String, Map<String, String>> rcptParameters, byte[] raw, boolean tls, String tlsProtocol,
      String authenticatedUser, String authMechanism, String heloName, boolean chunked, List<String> transcript) {
    this.index = index;
    this.session = session;
    this.envelope = envelope;
    this.mailParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mailParameters));
    Map<String, Map<String, String>> rp = new LinkedHashMap<>();
    rcptParameters.forEach((k, v) -> rp.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    this.rcptParameters = java.util.Collections.unmodifiableMap(rp);
    this.raw = raw.clone();
    this.tls = tls;
    this.tlsProtocol = tlsProtocol;
    this.authenticatedUser = authenticatedUser;
    this.authMechanism = authMechanism;
    this.heloName = heloName;
    this.chunked = chunked;
    this.transcript = List.copyOf(transcript);
    this.receivedAt = Instant.now();
  }

  /** Position among all messages this server received, from 0. */
  public int index() { return index; }

  /** The session (connection) it came in, from 1. */
  public int session() { return session; }

  /** MAIL FROM and the accepted RCPT TO addresses, in order ({@code ""} for the null sender). */
  public Envelope envelope() { return envelope; }

  /** The ESMTP parameters of MAIL FROM in order, keys upper case: {@code SIZE=1234}, {@code BODY=8BITMIME}, {@code SMTPUTF8} (value ""). */
  public Map<String, String> mailParameters() { return mailParameters; }

  /** The ESMTP parameters of each accepted RCPT TO (such as {@code NOTIFY}), keyed by recipient. */
  public Map<String, Map<String, String>> rcptParameters() { return rcptParameters; }

  /** The message as received, after dot-unstuffing, without the terminating {@code .}; a copy. */
  public byte[] raw() { return raw.clone(); }

  /** The message decoded as UTF-8 (for assertions on text). */
  public String rawText() { return new String(raw, StandardCharsets.UTF_8); }

  /** The size in octets. */
  public int size() { return raw.length; }

  /** The message parsed by jakarta.mail; a new instance each call. */
  public MimeMessage mime() {
    try {
      return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot parse message " + index + ": " + e.getMessage(), e);
    }
  }

  /** The decoded Subject ({@code ""} when absent). */
  public String subject() { return MimeParts.subject(mime()); }

  /** The text/plain body (the first one that is not an attachment), decoded. */
  public Optional<String> text() { return MimeParts.body(mime(), "text/plain"); }

  /** The text/html body, decoded. */
  public Optional<String> html() { return MimeParts.body(mime(), "text/html"); }

  /** The file names of attachments and inline parts, in order. */
  public java.util.List<String> attachmentNames() { return MimeParts.fileNames(mime()); }

  /** The decoded bytes of the attachment (or inline part) named {@code fileName}. */
  public Optional<byte[]> attachment(String fileName) { return MimeParts.file(mime(), fileName); }

  /** The first value of a header, unfolded and not decoded; empty when absent. */
  public Optional<String> header(String name) {
    try {
      String[] v = mime().getHeader(name);
      return v == null || v.length == 0 ? Optional.empty()
          : Optional.of(jakarta.mail.internet.MimeUtility.unfold(v[0]).strip());
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the message arrived over TLS (STARTTLS or implicit). */
  public boolean tls() { return tls; }

  /** The TLS protocol, such as {@code TLSv1.3}, when {@link #tls()}. */
  public Optional<String> tlsProtocol() { return Optional.ofNullable(tlsProtocol); }

  /** Who logged in before sending it, if anyone. */
  public Optional<String> authenticatedUser() { return Optional.ofNullable(authenticatedUser); }

  /** The SASL mechanism used to log in ({@code PLAIN}, {@code LOGIN}, {@code XOAUTH2}…), if any. */
  public Optional<String> authMechanism() { return Optional.ofNullable(authMechanism); }

  /** The name the client gave in EHLO or HELO. */
  public String heloName() { return heloName; }

  /** True when it came with BDAT (CHUNKING) rather than DATA. */
  public boolean chunked() { return chunked; }

  /** The session's transcript up to the end of this message's data ({@code C: }, {@code S: }, {@code *: } lines; the message itself as {@code <message: N octets>}). */
  public List<String> transcript() { return transcript; }

  public Instant receivedAt() { return receivedAt; }

  /** How it arrived, as the web inbox shows it. */
  dev.herald.mail.testkit.internal.inbox.StoredMessage.Arrival arrival() {
    return new dev.herald.mail.testkit.internal.inbox.StoredMessage.Arrival(receivedAt, envelope.recipients(), tls, tlsProtocol,
        authenticatedUser);
  }

  @Override public String toString() {
    return "RecordedMessage[#" + index + " from <" + envelope.sender() + "> to " + envelope.recipients()
        + ", " + raw.length + " bytes, tls=" + tls + ", auth=" + (authenticatedUser == null ? "none" : authenticatedUser) + "]";
  }

  private static Session mailSession() {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", "true");
    return Session.getInstance(p);
  }
}

package dev.herald.mail.dkim;

import com.typesafe.config.ConfigValue;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.spi.CredentialSourceFactory;
import dev.herald.mail.spi.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Signs messages with DKIM (RFC 6376) as they are sent: {@code rsa-sha256} or RFC 8463's
 * {@code ed25519-sha256}. {@link #sign} reads the message once to hash it (attachments streamed
 * from their files, nothing of them held) and returns it with a {@code DKIM-Signature} header in
 * front; the transport then writes it as usual. {@link #wrap} signs every message a transport sends.
 *
 * <p>What is signed: the body (never with {@code l=}), and of {@link #DEFAULT_HEADERS} (or the
 * configured list) each field the message has, every instance, with {@code From} listed once more
 * than it occurs so that a From added later breaks the signature. {@code t=} is the signing time;
 * {@code x=} follows when an expiry is set. Immutable and thread-safe.
 *
 * <pre>{@code
 * DkimSigner dkim = DkimSigner.builder().domain("example.org").selector("s2026")
 *     .privateKey(DkimKeys.parsePem(Files.readString(keyFile), keyFile.toString())).build();
 * Mailer mailer = Mailer.builder().transport(smtp).dkim(dkim).build();
 * }</pre>
 */
public final class DkimSigner {
  /** The fields signed when present, in this order. */
  public static final List<String> DEFAULT_HEADERS = List.of("from", "sender", "reply-to", "subject", "date",
      "message-id", "to", "cc", "in-reply-to", "references", "mime-version", "content-type",
      "content-transfer-encoding", "content-disposition", "list-id", "list-unsubscribe", "list-unsubscribe-post");

  private static final int LINE = 78;

  private final String domain;
  private final String selector;
  private final PrivateKey key;
  private final DkimAlgorithm algorithm;
  private final List<String> headers;
  private final Canonicalization headerCanon;
  private final Canonicalization bodyCanon;
  private final Duration expire;
  private final Clock clock;
  private final String keySource;

  private DkimSigner(Builder b) {
    this.domain = b.domain;
    this.selector = b.selector;
    this.key = b.key;
    this.algorithm = DkimKeys.algorithmOf(b.key);
    this.headers = List.copyOf(b.headers);
    this.headerCanon = b.headerCanon;
    this.bodyCanon = b.bodyCanon;
    this.expire = b.expire;
    this.clock = b.clock;
    this.keySource = b.keySource;
  }

  public static Builder builder() { return new Builder(); }

  public String domain() { return domain; }
  public String selector() { return selector; }
  public DkimAlgorithm algorithm() { return algorithm; }
  public List<String> headers() { return headers; }

  /** {@code relaxed/relaxed}: the {@code c=} value. */
  public String canonicalization() { return headerCanon.tag() + "/" + bodyCanon.tag(); }

  /** The public key that verifies this signer's signatures. */
  public PublicKey publicKey() { return DkimKeys.publicKey(key); }

  /** The TXT record to publish: {@code S._domainkey.D IN TXT "v=DKIM1; k=…; p=…"}. */
  public String dnsRecord() { return DkimKeys.dnsRecord(domain, selector, publicKey()); }

  /**
   * A signer from a profile's {@code dkim { … }} block: {@code domain}, {@code selector},
   * {@code private-key} (a secret: {@code .file}, {@code .env}, {@code .command} or inline PEM),
   * and optionally {@code algorithm}, {@code headers}, {@code canonicalization}, {@code expire}.
   * Reads the key now, so that a bad one fails before anything is sent.
   *
   * @param path the block's config path, for errors ({@code herald.profiles.NAME.dkim})
   * @throws dev.herald.mail.InvalidConfigException naming the key, file and line
   */
  public static DkimSigner fromConfig(ConfigValue dkim, String path, CredentialSourceFactory.Resolver secrets) {
    return DkimConfig.signer(dkim, path, secrets);
  }

  /** A transport that signs each message and hands it to {@code transport}. */
  public Transport wrap(Transport transport) { return new SigningTransport(this, transport); }

  /** What this signer does, for {@code herald check}: key, algorithm, the record the key needs in DNS. */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("dkim", "d=" + domain + " s=" + selector + " a=" + algorithm.tag() + " c=" + canonicalization()
        + (expire == null ? "" : " x=+" + expire.toSeconds() + "s") + "; key readable (" + keySource + ")");
    out.put("dkim-headers", String.join(":", headers));
    out.put("dkim-dns", dnsRecord());
    return out;
  }

  /**
   * The message with a {@code DKIM-Signature} header in front. Reads it once now; its
   * {@link MessageContent#writeTo} must write the same octets each time (Herald's rendered and raw
   * messages do: boundaries, Date and Message-ID are fixed when it is rendered).
   *
   * @throws InvalidMessageException when the message has no From header
   */
  public MessageContent sign(MessageContent content) {
    MessageHasher hasher = new MessageHasher(new BodyHasher(sha256(), bodyCanon));
    try {
      content.writeTo(hasher);
    } catch (NoSuchFileException e) {
      throw new InputNotFoundException("cannot read attachment: no such file " + e.getMessage(), e);
    } catch (IOException e) {
      throw new LocalIoException("cannot read the message to sign it: " + e.getMessage(), e);
    }
    byte[] bodyHash = hasher.bodyHash();
    List<HeaderFields.Field> fields = HeaderFields.parse(hasher.header());

    List<String> signed = new ArrayList<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream(1024);
    boolean hasFrom = false;
    for (String name : headers) {
      // Several instances are signed from the last one up (RFC 6376 5.4.2).
      for (int i = fields.size() - 1; i >= 0; i--) {
        HeaderFields.Field f = fields.get(i);
        if (!f.name().equals(name)) continue;
        signed.add(name);
        HeaderFields.canonical(f.raw(), headerCanon, true, data);
        if (name.equals("from")) hasFrom = true;
      }
      if (name.equals("from")) signed.add(name); // over-signed: a From added on the way breaks the signature
    }
    if (!hasFrom) throw new InvalidMessageException("the message has no From header; a DKIM signature needs one");

    long now = clock.instant().getEpochSecond();
    Folder f = new Folder("DKIM-Signature:");
    f.word("v=1;");
    f.word("a=" + algorithm.tag() + ";");
    f.word("c=" + canonicalization() + ";");
    f.word("d=" + domain + ";");
    f.word("s=" + selector + ";");
    f.word("t=" + now + ";");
    if (expire != null) f.word("x=" + (now + Math.max(1, expire.toSeconds())) + ";");
    for (int i = 0; i < signed.size(); i++) {
      String part = signed.get(i) + (i + 1 < signed.size() ? ":" : ";");
      if (i == 0) f.word("h=" + part);
      else f.glued(part);
    }
    f.word("bh=" + Base64.getEncoder().encodeToString(bodyHash) + ";");
    f.word("b=");
    HeaderFields.canonical(f.text().getBytes(StandardCharsets.US_ASCII), headerCanon, false, data);
    f.spread(Base64.getEncoder().encodeToString(signature(algorithm, key, data.toByteArray())));
    byte[] header = (f.text() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    return new SignedContent(header, content);
  }

  /** The {@code b=} octets over the canonical header data. */
  static byte[] signature(DkimAlgorithm algorithm, PrivateKey key, byte[] data) {
    try {
      if (algorithm == DkimAlgorithm.RSA_SHA256) {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
      }
      // RFC 8463 3: PureEdDSA over the SHA-256 of the data, not over the data itself.
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(sha256().digest(data));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + algorithm.tag() + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this Java runtime", e);
    }
  }

  @Override public String toString() {
    return "DkimSigner[d=" + domain + ", s=" + selector + ", " + algorithm.tag() + ", c=" + canonicalization() + "]";
  }

  /** Folds the header at {@value #LINE} characters: before a tag, after a colon of h=, inside base64. */
  private static final class Folder {
    private final StringBuilder sb;
    private int line;

    Folder(String start) {
      sb = new StringBuilder(512).append(start);
      line = start.length();
    }

    void word(String w) {
      if (line + 1 + w.length() > LINE) fold();
      else {
        sb.append(' ');
        line++;
      }
      sb.append(w);
      line += w.length();
    }

    void glued(String w) {
      if (line + w.length() > LINE) fold();
      sb.append(w);
      line += w.length();
    }

    void spread(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (line >= LINE) fold();
        sb.append(s.charAt(i));
        line++;
      }
    }

    private void fold() {
      sb.append("\r\n\t");
      line = 1;
    }

    String text() { return sb.toString(); }
  }

  /** Builds a {@link DkimSigner}; domain, selector and key are required. */
  public static final class Builder {
    private String domain;
    private String selector;
    private PrivateKey key;
    private List<String> headers = DEFAULT_HEADERS;
    private Canonicalization headerCanon = Canonicalization.RELAXED;
    private Canonicalization bodyCanon = Canonicalization.RELAXED;
    private Duration expire;
    private Clock clock = Clock.systemUTC();
    private String keySource = "given in code";

    private Builder() {}

    /** The signing domain ({@code d=}); an internationalised one is written in its ASCII (A-label) form. */
    public Builder domain(String domain) {
      this.domain = DkimKeys.asciiName(domain, "domain");
      return this;
    }

    /** The selector ({@code s=}): the key's record is at {@code SELECTOR._domainkey.DOMAIN}. */
    public Builder selector(String selector) {
      this.selector = DkimKeys.asciiName(selector, "selector");
      return this;
    }

    /** An RSA (2048 bits or more) or Ed25519 private key; it decides the algorithm. */
    public Builder privateKey(PrivateKey key) {
      DkimKeys.algorithmOf(key);
      this.key = key;
      return this;
    }

    /** Where the key came from, for {@link #describe()} (never the key). */
    public Builder keySource(String description) {
      this.keySource = Objects.requireNonNull(description);
      return this;
    }

    /** The fields to sign when present, instead of {@link #DEFAULT_HEADERS}; must include From. */
    public Builder headers(List<String> names) {
      Set<String> out = new LinkedHashSet<>();
      for (String n : names) {
        String name = n.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
          throw new IllegalArgumentException("'" + n + "' is not a header field name");
        }
        out.add(name);
      }
      if (!out.contains("from")) throw new IllegalArgumentException("the signed headers must include From (RFC 6376 5.4)");
      this.headers = List.copyOf(out);
      return this;
    }

    public Builder canonicalization(Canonicalization header, Canonicalization body) {
      this.headerCanon = Objects.requireNonNull(header);
      this.bodyCanon = Objects.requireNonNull(body);
      return this;
    }

    /** Signatures expire this long after signing ({@code x=}); none by default. */
    public Builder expireAfter(Duration expire) {
      if (expire != null && (expire.isNegative() || expire.isZero())) throw new IllegalArgumentException("expiry must be positive");
      this.expire = expire;
      return this;
    }

    /** The clock for {@code t=} (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public DkimSigner build() {
      if (domain == null) throw new IllegalStateException("DkimSigner needs a domain");
      if (selector == null) throw new IllegalStateException("DkimSigner needs a selector");
      if (key == null) throw new IllegalStateException("DkimSigner needs a private key");
      return new DkimSigner(this);
    }
  }
}

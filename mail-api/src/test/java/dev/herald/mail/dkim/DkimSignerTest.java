package dev.herald.mail.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MessageContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The signer's pieces against RFC 6376's and RFC 8463's own examples, and the shape of its header. */
class DkimSignerTest {
  // RFC 8463 Appendix A: the Ed25519 key, its DNS record, the signed message and its signature.
  static final String RFC8463_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
  static final String RFC8463_PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  static final String RFC8463_HEADERS = "From: Joe SixPack <joe@football.example.com>\r\n"
      + "To: Suzie Q <suzie@shopping.example.net>\r\n"
      + "Subject: Is dinner ready?\r\n"
      + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
      + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n";
  static final String RFC8463_BODY = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";
  static final String RFC8463_SIGNATURE_FIELD = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
      + " d=football.example.com; i=@football.example.com;\r\n"
      + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
      + " subject : date : message-id : from : subject : date;\r\n"
      + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
      + " b=";
  static final String RFC8463_B = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

  static PrivateKey rfc8463Key() throws Exception {
    return KeyFactory.getInstance("Ed25519").generatePrivate(
        new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Base64.getDecoder().decode(RFC8463_SEED)));
  }

  @Test void rfc8463BodyHashIsTheRfcs() {
    BodyHasher h = new BodyHasher(sha256(), Canonicalization.RELAXED);
    h.write(RFC8463_BODY.getBytes(StandardCharsets.US_ASCII), 0, RFC8463_BODY.length());
    assertEquals("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", Base64.getEncoder().encodeToString(h.finish()));
  }

  @Test void rfc8463SignatureIsReproducedOctetForOctet() throws Exception {
    // h=from:to:subject:date:message-id:from:subject:date — the second from/subject/date match nothing.
    List<HeaderFields.Field> fields = HeaderFields.parse(RFC8463_HEADERS.getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (HeaderFields.Field f : fields) HeaderFields.canonical(f.raw(), Canonicalization.RELAXED, true, data);
    HeaderFields.canonical(RFC8463_SIGNATURE_FIELD.getBytes(StandardCharsets.US_ASCII), Canonicalization.RELAXED, false, data);
    byte[] b = DkimSigner.signature(DkimAlgorithm.ED25519_SHA256, rfc8463Key(), data.toByteArray());
    assertEquals(RFC8463_B, Base64.getEncoder().encodeToString(b)); // Ed25519 is deterministic
  }

  @Test void rfc8463PublicKeyIsDerivedFromTheSeed() throws Exception {
    assertEquals(RFC8463_PUBLIC, DkimKeys.publicKeyValue(DkimKeys.publicKey(rfc8463Key())));
    assertEquals("v=DKIM1; k=ed25519; p=" + RFC8463_PUBLIC, DkimKeys.txtValue(DkimKeys.publicKey(rfc8463Key())));
  }

  @Test void rfc6376Section345Example() {
    byte[] header = "A: X\r\nB : Y\t\r\n\tZ  \r\n".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream relaxed = new ByteArrayOutputStream();
    ByteArrayOutputStream simple = new ByteArrayOutputStream();
    for (HeaderFields.Field f : HeaderFields.parse(header)) {
      HeaderFields.canonical(f.raw(), Canonicalization.RELAXED, true, relaxed);
      HeaderFields.canonical(f.raw(), Canonicalization.SIMPLE, true, simple);
    }
    assertEquals("a:X\r\nb:Y Z\r\n", relaxed.toString(StandardCharsets.US_ASCII));
    assertEquals("A: X\r\nB : Y\t\r\n\tZ  \r\n", simple.toString(StandardCharsets.US_ASCII));
    String body = " C \r\nD \t E\r\n\r\n\r\n";
    assertArrayEquals(sha256().digest(" C\r\nD E\r\n".getBytes(StandardCharsets.US_ASCII)), bodyHash(body, Canonicalization.RELAXED));
    assertArrayEquals(sha256().digest(" C \r\nD \t E\r\n".getBytes(StandardCharsets.US_ASCII)), bodyHash(body, Canonicalization.SIMPLE));
  }

  @Test void emptyBodiesAndBareLineEnds() {
    assertArrayEquals(sha256().digest("\r\n".getBytes(StandardCharsets.US_ASCII)), bodyHash("", Canonicalization.SIMPLE));
    assertArrayEquals(sha256().digest(new byte[0]), bodyHash("\r\n\r\n", Canonicalization.RELAXED));
    // LF and CR alone end lines as the transport sends them (CRLF); a last line without one gets it.
    assertArrayEquals(bodyHash("a\r\n.b\r\n", Canonicalization.SIMPLE), bodyHash("a\n.b", Canonicalization.SIMPLE));
    assertArrayEquals(bodyHash("a\r\nb\r\n", Canonicalization.RELAXED), bodyHash("a\rb  \n\n", Canonicalization.RELAXED));
  }

  @Test void headerEndsAtTheFirstEmptyLineWhateverTheLineEnds() {
    MessageHasher m = new MessageHasher(new BodyHasher(sha256(), Canonicalization.SIMPLE));
    byte[] msg = "From: a@example.org\nSubject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII);
    for (byte b : msg) m.write(b); // one octet at a time: state carries across writes
    assertEquals("From: a@example.org\r\nSubject: x\r\n", new String(m.header(), StandardCharsets.US_ASCII));
    assertArrayEquals(sha256().digest("body\r\n".getBytes(StandardCharsets.US_ASCII)), m.bodyHash());
  }

  @Test void signatureHeaderIsFoldedOverSignsFromAndSetsTimes() throws Exception {
    KeyPair rsa = DkimKeys.generate(DkimAlgorithm.RSA_SHA256, 2048);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    DkimSigner signer = DkimSigner.builder().domain("Example.ORG").selector("s2026").privateKey(rsa.getPrivate())
        .expireAfter(Duration.ofDays(7)).clock(clock).build();
    String header = signatureHeader(signer.sign(MessageContent.ofBytes(("From: a@example.org\r\nTo: b@example.net\r\n"
        + "Subject: hi\r\nX-Other: not signed\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII))));
    for (String line : header.split("\r\n")) assertTrue(line.length() <= 78, line.length() + ": " + line);
    String unfolded = header.replaceAll("\r\n\t", " ");
    assertTrue(unfolded.startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s2026;"), unfolded);
    assertTrue(unfolded.contains(" t=1700000000; x=1700604800; "), unfolded);
    assertEquals("from:from:subject:to", tag(unfolded, "h"));
    assertFalse(unfolded.contains(" l="), unfolded);
    assertEquals(344, tag(unfolded, "b").replace(" ", "").length()); // 2048-bit RSA: 256 octets
  }

  @Test void multipleInstancesAreAllSignedAndAMessageWithoutFromIsRefused() throws Exception {
    DkimSigner signer = DkimSigner.builder().domain("example.org").selector("s").privateKey(rfc8463Key()).build();
    String header = signatureHeader(signer.sign(MessageContent.ofBytes(
        "From: a@example.org\r\nTo: b@example.net\r\nTo: c@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))));
    assertEquals("from:from:to:to", tag(header.replaceAll("\r\n\t", " "), "h"));
    InvalidMessageException e = assertThrows(InvalidMessageException.class, () ->
        signer.sign(MessageContent.ofBytes("To: b@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))));
    assertTrue(e.getMessage().contains("no From header"), e.getMessage());
  }

  @Test void headerListMustIncludeFrom() {
    assertThrows(IllegalArgumentException.class, () -> DkimSigner.builder().headers(List.of("subject", "to")));
    assertThrows(IllegalArgumentException.class, () -> DkimSigner.builder().headers(List.of("from", "bad:name")));
  }

  @Test void pkcs1AndPkcs8PemAreRead() throws Exception {
    KeyPair rsa = DkimKeys.generate(DkimAlgorithm.RSA_SHA256, 2048);
    String pkcs8 = DkimKeys.pem(rsa.getPrivate());
    assertEquals(rsa.getPrivate(), DkimKeys.parsePem(pkcs8, "test"));
    byte[] der = rsa.getPrivate().getEncoded();
    // PKCS#8 = SEQUENCE { INTEGER 0, AlgorithmIdentifier (15), OCTET STRING { RSAPrivateKey } }: the key starts at 26.
    byte[] pkcs1 = Arrays.copyOfRange(der, 26, der.length);
    assertEquals(0x30, pkcs1[0] & 0xff);
    String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
    PrivateKey parsed = DkimKeys.parsePem(pem, "test");
    assertEquals(DkimKeys.publicKey(rsa.getPrivate()), DkimKeys.publicKey(parsed));
    assertEquals(rsa.getPublic(), DkimKeys.publicKey(parsed));
  }

  @Test void weakOrForeignKeysAreRefusedWithoutPrintingThem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    String weak = DkimKeys.pem(g.generateKeyPair().getPrivate());
    var e = assertThrows(dev.herald.mail.InvalidConfigException.class, () -> DkimKeys.parsePem(weak, "file:k.pem"));
    assertTrue(e.getMessage().contains("1024 bits") && e.getMessage().contains("file:k.pem"), e.getMessage());
    assertFalse(e.getMessage().contains(weak.substring(40, 60)));
    e = assertThrows(dev.herald.mail.InvalidConfigException.class, () -> DkimKeys.parsePem("secret", "env:K"));
    assertTrue(e.getMessage().contains("not PEM") && !e.getMessage().contains("secret"), e.getMessage());
    e = assertThrows(dev.herald.mail.InvalidConfigException.class,
        () -> DkimKeys.parsePem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "x"));
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
  }

  @Test void dnsRecordSplitsLongTextInto255CharacterStrings() {
    KeyPair rsa = DkimKeys.generate(DkimAlgorithm.RSA_SHA256, 2048);
    String record = DkimKeys.dnsRecord("example.org", "s1", rsa.getPublic());
    assertTrue(record.startsWith("s1._domainkey.example.org IN TXT \"v=DKIM1; k=rsa; p=MIIB"), record);
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(record);
    StringBuilder joined = new StringBuilder();
    int strings = 0;
    while (m.find()) {
      assertTrue(m.group(1).length() <= 255);
      joined.append(m.group(1));
      strings++;
    }
    assertEquals(2, strings);
    assertEquals(DkimKeys.txtValue(rsa.getPublic()), joined.toString());
  }

  static String signatureHeader(MessageContent signed) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    signed.writeTo(out);
    String all = out.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("^DKIM-Signature:.*?\r\n(?![ \t])", Pattern.DOTALL).matcher(all);
    assertTrue(m.find(), all);
    return m.group().substring(0, m.group().length() - 2);
  }

  static String tag(String unfolded, String name) {
    Matcher m = Pattern.compile("[; ]" + name + "=([^;]*)").matcher(unfolded);
    assertTrue(m.find(), unfolded);
    return m.group(1).strip();
  }

  private static byte[] bodyHash(String body, Canonicalization c) {
    BodyHasher h = new BodyHasher(sha256(), c);
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    h.write(b, 0, b.length);
    return h.finish();
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

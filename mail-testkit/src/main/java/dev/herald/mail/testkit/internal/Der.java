package dev.herald.mail.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Just enough DER (X.690) to write one X.509 v3 server certificate (RFC 5280): the JDK can sign
 * and parse certificates but offers no public API to build one. The result is checked by the
 * JDK's own parser ({@code CertificateFactory}) before it is used.
 */
final class Der {
  private static final byte SEQUENCE = 0x30;
  private static final byte SET = 0x31;
  private static final byte INTEGER = 0x02;
  private static final byte BIT_STRING = 0x03;
  private static final byte OCTET_STRING = 0x04;
  private static final byte OID = 0x06;
  private static final byte BOOLEAN = 0x01;
  private static final byte UTC_TIME = 0x17;
  private static final byte GENERALIZED_TIME = 0x18;

  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXT_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private Der() {}

  /**
   * A certificate for {@code names} (DNS names or IP literals; the first is also the CN), issued by
   * itself, valid from {@code notBefore} to {@code notAfter}, signed with ECDSA and SHA-256 by
   * {@code keys} (an EC key pair). Not a CA: basic constraints, key usage and server-auth EKU as a
   * browser-grade TLS stack expects of a leaf certificate.
   */
  static byte[] selfSigned(List<String> names, KeyPair keys, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    byte[] name = new X500Principal("CN=" + names.get(0) + ", O=Herald MockSmtpServer").getEncoded();
    byte[] algorithm = tlv(SEQUENCE, oid(ECDSA_WITH_SHA256));
    byte[][] san = new byte[names.size()][];
    for (int i = 0; i < san.length; i++) {
      String n = names.get(i);
      // GeneralName, implicitly tagged: [7] iPAddress (the address octets), [2] dNSName (IA5String).
      san[i] = isIpLiteral(n) ? tlv((byte) 0x87, address(n)) : tlv((byte) 0x82, n.getBytes(StandardCharsets.US_ASCII));
    }
    byte[] extensions = tlv((byte) 0xA3, tlv(SEQUENCE,
        extension(SUBJECT_ALT_NAME, false, tlv(SEQUENCE, san)),
        extension(BASIC_CONSTRAINTS, true, tlv(SEQUENCE)),
        // digitalSignature (bit 0) and keyEncipherment (bit 2): 5 unused bits in one octet.
        extension(KEY_USAGE, true, tlv(BIT_STRING, new byte[] {5, (byte) 0xA0})),
        extension(EXT_KEY_USAGE, false, tlv(SEQUENCE, oid(SERVER_AUTH)))));
    byte[] tbs = tlv(SEQUENCE,
        tlv((byte) 0xA0, tlv(INTEGER, new byte[] {2})), // version: v3
        tlv(INTEGER, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
        algorithm,
        name,
        tlv(SEQUENCE, time(notBefore), time(notAfter)),
        name,
        keys.getPublic().getEncoded(), // already a DER SubjectPublicKeyInfo
        extensions);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign(); // the JDK returns the DER ECDSA-Sig-Value
    byte[] bits = new byte[signature.length + 1]; // leading octet: no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    return tlv(SEQUENCE, tbs, algorithm, tlv(BIT_STRING, bits));
  }

  static boolean isIpLiteral(String name) {
    if (name.indexOf(':') >= 0) return true;
    return name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  private static byte[] address(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // a literal: no lookup is made
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + literal, e);
    }
  }

  private static byte[] extension(String id, boolean critical, byte[] value) {
    return critical
        ? tlv(SEQUENCE, oid(id), tlv(BOOLEAN, new byte[] {(byte) 0xFF}), tlv(OCTET_STRING, value))
        : tlv(SEQUENCE, oid(id), tlv(OCTET_STRING, value));
  }

  /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  private static byte[] time(Instant t) {
    var utc = t.atZone(ZoneOffset.UTC);
    boolean utcTime = utc.getYear() < 2050;
    String s = utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'"));
    return tlv(utcTime ? UTC_TIME : GENERALIZED_TIME, s.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) base128(out, Long.parseLong(arcs[i]));
    return tlv(OID, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    while ((v >>> (7 * groups)) != 0) groups++;
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((v >>> (7 * g)) & 0x7F);
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  /** Tag, definite length (short or long form), and the concatenated contents. */
  static byte[] tlv(byte tag, byte[]... contents) {
    int length = 0;
    for (byte[] c : contents) length += c.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int octets = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | octets);
      for (int i = octets - 1; i >= 0; i--) out.write(length >>> (8 * i));
    }
    for (byte[] c : contents) out.write(c, 0, c.length);
    return out.toByteArray();
  }
}

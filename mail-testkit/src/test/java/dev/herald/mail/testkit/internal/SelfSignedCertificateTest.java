package dev.herald.mail.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The certificate our own DER writer makes, read back by the JDK's X.509 parser. */
class SelfSignedCertificateTest {
  @Test void localhostCertificateIsAVerifiableServerLeaf() throws Exception {
    X509Certificate c = SelfSignedCertificate.forLocalhost().certificate();
    c.checkValidity();
    c.verify(c.getPublicKey()); // signed by its own key
    assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
    assertTrue(c.getSubjectX500Principal().getName().contains("CN=localhost"), c.getSubjectX500Principal().getName());
    assertEquals(3, c.getVersion());
    assertEquals("SHA256withECDSA", c.getSigAlgName());
    Set<List<?>> san = new HashSet<>(c.getSubjectAlternativeNames());
    assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")), san);
    assertEquals(-1, c.getBasicConstraints(), "not a CA");
    boolean[] usage = c.getKeyUsage();
    assertTrue(usage[0] && !usage[1] && usage[2], "digitalSignature and keyEncipherment only");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage());
    assertTrue(c.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
  }

  @Test void ipv6AndLongLivedCertificatesUseTheRightEncodings() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var keys = g.generateKeyPair();
    Instant from = Instant.parse("2049-06-01T00:00:00Z");
    Instant to = Instant.parse("2061-01-02T03:04:05Z"); // past 2049: GeneralizedTime
    byte[] der = Der.selfSigned(List.of("mail.example", "::1"), keys, from, to);
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    c.verify(keys.getPublic());
    assertEquals(from, c.getNotBefore().toInstant());
    assertEquals(to, c.getNotAfter().toInstant());
    assertEquals(Set.of(List.of(2, "mail.example"), List.of(7, "0:0:0:0:0:0:0:1")),
        new HashSet<>(c.getSubjectAlternativeNames()));
  }

  @Test void derLengthsAndObjectIdentifiers() {
    assertArrayEquals(new byte[] {0x06, 0x03, 0x55, 0x1D, 0x11}, Der.oid("2.5.29.17"));
    assertArrayEquals(new byte[] {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02},
        Der.oid("1.2.840.10045.4.3.2"));
    assertArrayEquals(new byte[] {0x04, 0x7F}, java.util.Arrays.copyOf(Der.tlv((byte) 0x04, new byte[127]), 2));
    assertArrayEquals(new byte[] {0x04, (byte) 0x81, (byte) 0x80}, java.util.Arrays.copyOf(Der.tlv((byte) 0x04, new byte[128]), 3));
    assertArrayEquals(new byte[] {0x04, (byte) 0x82, 0x01, 0x00}, java.util.Arrays.copyOf(Der.tlv((byte) 0x04, new byte[256]), 4));
    assertEquals(260, Der.tlv((byte) 0x04, new byte[256]).length);
  }
}

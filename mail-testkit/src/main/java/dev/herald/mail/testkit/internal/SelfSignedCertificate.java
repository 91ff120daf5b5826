package dev.herald.mail.testkit.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;

/**
 * A self-signed EC P-256 certificate made with BouncyCastle, and a server {@link SSLContext}
 * (TLS 1.2 and 1.3) holding it. One key pair per JVM, one certificate per set of names: making a
 * server costs nothing after the first.
 */
public final class SelfSignedCertificate {
  private static final char[] NO_PASSWORD = "herald".toCharArray();
  private static volatile KeyPair keyPair;
  private static final ConcurrentMap<List<String>, SelfSignedCertificate> CACHE = new ConcurrentHashMap<>();

  private final X509Certificate certificate;
  private final SSLContext sslContext;
  private final String pem;

  private SelfSignedCertificate(X509Certificate certificate, SSLContext sslContext) {
    this.certificate = certificate;
    this.sslContext = sslContext;
    this.pem = toPem(certificate);
  }

  /** The certificate for {@code localhost} and {@code 127.0.0.1}. */
  public static SelfSignedCertificate forLocalhost() {
    return forNames(List.of("localhost", "127.0.0.1"));
  }

  /** A certificate that names only {@code wrong.example}, to test host name verification. */
  public static SelfSignedCertificate forWrongHost() {
    return forNames(List.of("wrong.example"));
  }

  /** A certificate whose subject alternative names are these DNS names or IP literals; the first is the CN. */
  public static SelfSignedCertificate forNames(List<String> names) {
    return CACHE.computeIfAbsent(List.copyOf(names), SelfSignedCertificate::create);
  }

  public X509Certificate certificate() { return certificate; }

  public SSLContext sslContext() { return sslContext; }

  /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
  public String pem() { return pem; }

  private static SelfSignedCertificate create(List<String> names) {
    try {
      KeyPair keys = keyPair();
      Instant now = Instant.now();
      // Via the JDK's X500Principal: parsing a string with BouncyCastle's X500Name loads its large style tables.
      X500Name subject = X500Name.getInstance(
          new javax.security.auth.x500.X500Principal("CN=" + names.get(0) + ", O=Herald MockSmtpServer").getEncoded());
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
          subject, keys.getPublic());
      GeneralName[] san = new GeneralName[names.size()];
      for (int i = 0; i < san.length; i++) {
        String n = names.get(i);
        san[i] = isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      byte[] der = b.build(new JcaSigner(keys.getPrivate())).getEncoded();
      X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));

      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", keys.getPrivate(), NO_PASSWORD, new X509Certificate[] {cert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return new SelfSignedCertificate(cert, ctx);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create the mock server's self-signed certificate: " + e, e);
    }
  }

  /** ECDSA with SHA-256 through the JDK's provider (BouncyCastle's signer builder is slow to initialise). */
  private static final class JcaSigner implements ContentSigner {
    private final java.security.PrivateKey key;
    private final java.io.ByteArrayOutputStream tbs = new java.io.ByteArrayOutputStream();

    JcaSigner(java.security.PrivateKey key) { this.key = key; }

    @Override public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Override public java.io.OutputStream getOutputStream() { return tbs; }

    @Override public byte[] getSignature() {
      try {
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(tbs.toByteArray());
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign the certificate: " + e, e);
      }
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPair k = keyPair;
    if (k == null) {
      synchronized (SelfSignedCertificate.class) {
        if (keyPair == null) {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
          keyPair = g.generateKeyPair();
        }
        k = keyPair;
      }
    }
    return k;
  }

  private static boolean isIpLiteral(String name) {
    if (name.indexOf(':') >= 0) return true;
    if (!name.matches("[0-9.]+")) return false;
    try {
      InetAddress.getByName(name);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String toPem(X509Certificate cert) {
    try {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .encodeToString(cert.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}

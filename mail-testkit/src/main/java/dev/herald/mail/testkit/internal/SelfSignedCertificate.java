package dev.herald.mail.testkit.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed EC P-256 certificate, encoded here in DER and signed by the JDK, and a server
 * {@link SSLContext} (TLS 1.2 and 1.3) holding it. (Not BouncyCastle: three signed jars, 9 MB,
 * for one certificate made the test kit heavy and every start of the CLI slower.) One key pair per JVM, one certificate per set of names: making a
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

  /**
   * A certificate for these names that is valid only from {@code notBefore} to {@code notAfter} (an
   * expired or a not yet valid one); not cached.
   */
  public static SelfSignedCertificate forNames(List<String> names, Instant notBefore, Instant notAfter) {
    if (!notAfter.isAfter(notBefore)) throw new IllegalArgumentException("notAfter must follow notBefore");
    return create(List.copyOf(names), notBefore, notAfter);
  }

  public X509Certificate certificate() { return certificate; }

  public SSLContext sslContext() { return sslContext; }

  /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
  public String pem() { return pem; }

  private static SelfSignedCertificate create(List<String> names) {
    Instant now = Instant.now();
    return create(names, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
  }

  private static SelfSignedCertificate create(List<String> names, Instant notBefore, Instant notAfter) {
    try {
      KeyPair keys = keyPair();
      byte[] der = Der.selfSigned(names, keys, notBefore, notAfter);
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

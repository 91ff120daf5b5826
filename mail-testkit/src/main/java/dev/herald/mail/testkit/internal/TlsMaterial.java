package dev.herald.mail.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A mock server's TLS material: its self-signed certificate (made on first use, since a plaintext
 * server never needs one), the certificate as a PEM file for a client's trust setting, a client
 * context that trusts exactly it, and the server's sockets, TLS 1.2 and 1.3 only.
 */
public final class TlsMaterial {
  private final List<String> names;
  private final Instant notBefore;
  private final Instant notAfter;
  private volatile SelfSignedCertificate certificate;
  private Path file;

  /** For these names; valid from {@code notBefore} to {@code notAfter}, or (both null) the usual ten years. */
  public TlsMaterial(List<String> names, Instant notBefore, Instant notAfter) {
    this.names = List.copyOf(names);
    this.notBefore = notBefore;
    this.notAfter = notAfter;
  }

  /** The certificate and its server context; cached per JVM by {@link SelfSignedCertificate} unless dated. */
  public SelfSignedCertificate certificate() {
    SelfSignedCertificate c = certificate;
    if (c == null) {
      c = notAfter != null ? SelfSignedCertificate.forNames(names, notBefore, notAfter) : SelfSignedCertificate.forNames(names);
      certificate = c;
    }
    return c;
  }

  /** The certificate as PEM in a temporary file, written on first call and deleted by {@link #deleteFile()}. */
  public synchronized Path file() {
    if (file == null) {
      try {
        Path f = Files.createTempFile("herald-mock-smtp-", ".pem");
        Files.writeString(f, certificate().pem(), StandardCharsets.US_ASCII);
        f.toFile().deleteOnExit();
        file = f;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the certificate file: " + e.getMessage(), e);
      }
    }
    return file;
  }

  /** Deletes the file of {@link #file()}, if it was written; deleteOnExit tries again if this fails. */
  public synchronized void deleteFile() {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // deleteOnExit will try again
    }
  }

  /** A client context that trusts this certificate and no other. */
  public SSLContext clientContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("mock-smtp", certificate().certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unbound server socket that speaks TLS from the first byte (SMTPS). */
  public ServerSocket implicitServerSocket() throws IOException {
    SSLServerSocket s = (SSLServerSocket) certificate().sslContext().getServerSocketFactory().createServerSocket();
    s.setEnabledProtocols(protocols(s.getSupportedProtocols()));
    return s;
  }

  /** The server side of TLS over an open plaintext connection (after {@code 220} to STARTTLS); not handshaken yet. */
  public SSLSocket serverOver(Socket plain) throws IOException {
    SSLSocket ssl = (SSLSocket) certificate().sslContext().getSocketFactory()
        .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    ssl.setUseClientMode(false);
    ssl.setEnabledProtocols(protocols(ssl.getSupportedProtocols()));
    ssl.setSoTimeout(plain.getSoTimeout());
    return ssl;
  }

  /** TLS 1.2 and 1.3 of those supported: what the server enables, so that a client stuck on older versions fails. */
  static String[] protocols(String[] supported) {
    List<String> out = new ArrayList<>();
    for (String p : supported) if (p.equals("TLSv1.2") || p.equals("TLSv1.3")) out.add(p);
    return out.toArray(new String[0]);
  }
}

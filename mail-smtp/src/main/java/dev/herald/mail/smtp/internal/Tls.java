package dev.herald.mail.smtp.internal;

import dev.herald.mail.InvalidConfigException;
import dev.herald.mail.MailException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.TransientMailException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client-side TLS with verification always on: TLS 1.2 or newer, SNI, and the host name checked
 * against the certificate the way HTTPS does. Trusts the JDK's CAs, or only the certificates of a
 * PEM file ({@code tls-trust}: a private CA or the server's own certificate).
 */
public final class Tls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private final SSLSocketFactory factory;
  private final String trustDescription;

  private Tls(SSLSocketFactory factory, String trustDescription) {
    this.factory = factory;
    this.trustDescription = trustDescription;
  }

  /** Loads the trust material once; a bad {@code tls-trust} file is a config error. */
  public static Tls create(Path pem) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      KeyStore ks = null;
      if (pem != null) {
        ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : readPem(pem)) ks.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);  // null: the JDK's trust store
      ctx.init(null, CertificateWitness.wrap(tmf.getTrustManagers()), null);
      return new Tls(ctx.getSocketFactory(), pem == null ? "the JDK trust store" : "tls-trust " + pem);
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidConfigException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> readPem(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) throw new InvalidConfigException("tls-trust " + pem + " holds no certificate; give a PEM file with BEGIN CERTIFICATE blocks");
      return certs;
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("tls-trust " + pem + " does not exist; give the path of the server's CA or certificate (PEM)");
    } catch (CertificateException e) {
      throw new InvalidConfigException("tls-trust " + pem + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the handshake over a connected socket and returns the TLS socket.
   *
   * @param stage {@link Stage#CONNECT} for implicit TLS, {@link Stage#STARTTLS} after STARTTLS
   */
  public SSLSocket handshake(Socket plain, String host, int port, int timeoutMillis, Stage stage) {
    SSLSocket s = null;
    try {
      s = (SSLSocket) factory.createSocket(plain, host, port, true);
      List<String> enabled = new ArrayList<>();
      List<String> supported = Arrays.asList(s.getSupportedProtocols());
      for (String p : PROTOCOLS) if (supported.contains(p)) enabled.add(p);
      SSLParameters params = s.getSSLParameters();
      params.setProtocols(enabled.toArray(new String[0]));
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!isIpLiteral(host)) params.setServerNames(List.of(new SNIHostName(host)));
      s.setSSLParameters(params);
      s.setSoTimeout(timeoutMillis);
      s.startHandshake();
      return s;
    } catch (IOException e) {
      closeQuietly(s != null ? s : plain);
      throw failure(e, host, port, timeoutMillis, stage);
    } catch (IllegalArgumentException e) {
      closeQuietly(s != null ? s : plain);
      throw new TlsException("TLS with " + host + " cannot start: " + e.getMessage(), stage, 0, null, null, null, e);
    }
  }

  private MailException failure(IOException e, String host, int port, int timeoutMillis, Stage stage) {
    String all = messages(e);
    CertificateWitness.Refused refused = CertificateWitness.find(e);
    if (refused != null) return CertificateWitness.explain(refused, host, port, stage, trustDescription, e);
    String msg;
    String hint;
    boolean untrusted = true;
    if (all.contains("No subject alternative") || all.contains("No name matching")) {
      msg = "the certificate of " + host + ":" + port + " is not valid for the name '" + host + "'";
      hint = "connect to a host name that the certificate names, or fix the server's certificate";
    } else if (all.contains("PKIX") || all.contains("certification path") || all.contains("unable to find valid")
        || e.getCause() instanceof CertificateException) {
      msg = "the certificate of " + host + ":" + port + " is not trusted by " + trustDescription;
      hint = "for a private or self-signed server set tls-trust = \"path/to/ca-or-cert.pem\"";
    } else if (e instanceof java.net.SocketTimeoutException) {
      return timedOut(host, port, timeoutMillis, stage, e);
    } else if (e instanceof SSLException) {
      untrusted = false;
      msg = "the TLS handshake with " + host + ":" + port + " failed: " + e.getMessage();
      hint = stage == Stage.CONNECT ? "does the port speak implicit TLS? for port 587 or 25 use tls = starttls" : null;
    } else {
      untrusted = false;
      msg = "the connection to " + host + ":" + port + " failed during the TLS handshake: " + e.getMessage();
      hint = null;
    }
    return new TlsException(untrusted ? Reason.TLS_UNTRUSTED : Reason.TLS_FAILED, msg, stage, 0, null, null, hint, e);
  }

  /**
   * The handshake took longer than the reply timeout as a whole (a silent or a dripping server): a
   * timeout, so transient (exit 75) like every other one, not a TLS failure.
   */
  static TransientMailException timedOut(String host, int port, int timeoutMillis, Stage stage, Throwable cause) {
    return new TransientMailException(Reason.TIMEOUT, "the TLS handshake with " + host + ":" + port + " did not complete within "
        + Failures.human(java.time.Duration.ofMillis(timeoutMillis)), stage, 0, null, null,
        "the server is slow or stuck, or the port does not speak TLS (implicit TLS is usually 465; STARTTLS 587); try again later", cause);
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable x = t; x != null && sb.length() < 4000; x = x.getCause()) sb.append(x.getMessage()).append(' ');
    return sb.toString();
  }

  /** True for a literal IPv4 or IPv6 address, which SNI must not carry. */
  public static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) return true;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) return false;
    }
    return true;
  }

  /** True when the host is this machine (plaintext AUTH is allowed there with tls = none). */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) return true;
    if (!isIpLiteral(host)) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  static void closeQuietly(Socket s) {
    try {
      if (s != null) s.close();
    } catch (IOException ignored) {
      // closing after a failure; the failure is what matters
    }
  }
}

package dev.herald.mail.smtp.internal;

import dev.herald.mail.MailException.Reason;
import dev.herald.mail.Stage;
import dev.herald.mail.TlsException;
import dev.herald.mail.Printable;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the JDK's trust manager so that a refused certificate chain travels with the refusal: the
 * handshake's exception alone says "PKIX path validation failed" for an expired certificate and an
 * unknown CA alike, and does not say which names a certificate has. {@link #explain} names the real
 * cause (expired on a date, not yet valid, issued for other names, not trusted) with its own hint.
 * Verification itself is the JDK's, unchanged.
 */
final class CertificateWitness extends X509ExtendedTrustManager {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private final X509ExtendedTrustManager jdk;

  private CertificateWitness(X509ExtendedTrustManager jdk) { this.jdk = jdk; }

  /** The trust managers with each X.509 one wrapped. */
  static TrustManager[] wrap(TrustManager[] managers) {
    TrustManager[] out = managers.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof X509ExtendedTrustManager x) out[i] = new CertificateWitness(x);
    }
    return out;
  }

  /** A refusal by the JDK's trust manager, with the chain it refused. */
  static final class Refused extends CertificateException {
    private static final long serialVersionUID = 1L;
    final transient X509Certificate[] chain;

    Refused(X509Certificate[] chain, CertificateException cause) {
      super(cause.getMessage(), cause);
      this.chain = chain.clone();
    }
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    witnessed(chain, () -> jdk.checkServerTrusted(chain, authType, socket));
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    witnessed(chain, () -> jdk.checkServerTrusted(chain, authType, engine));
  }

  @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    witnessed(chain, () -> jdk.checkServerTrusted(chain, authType));
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private static void witnessed(X509Certificate[] chain, Check jdkCheck) throws CertificateException {
    try {
      jdkCheck.run();
      leafInDate(chain);
    } catch (CertificateException e) {
      throw new Refused(chain, e);
    }
  }

  /**
   * The JDK does not check the dates of a certificate that is itself a trust anchor: with
   * {@code tls-trust} holding the server's own certificate, an expired one would pass. The server's
   * certificate must be in date whatever vouches for it. (Only the server's own: an expired
   * cross-signed root in the chain is legitimately ignored when another path is trusted.)
   */
  private static void leafInDate(X509Certificate[] chain) throws CertificateException {
    if (chain.length > 0) chain[0].checkValidity();
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    jdk.checkClientTrusted(chain, authType, socket);
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    jdk.checkClientTrusted(chain, authType, engine);
  }

  @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    jdk.checkClientTrusted(chain, authType);
  }

  @Override public X509Certificate[] getAcceptedIssuers() { return jdk.getAcceptedIssuers(); }

  /** The refusal among the causes of a failed handshake, or null when the certificate was not the problem. */
  static Refused find(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof Refused r) return r;
    }
    return null;
  }

  /** One line on what is wrong with the certificate, and a hint for that cause alone. */
  static TlsException explain(Refused r, String host, int port, Stage stage, String trust, Throwable cause) {
    String of = "the certificate of " + host + ":" + port;
    X509Certificate leaf = r.chain.length > 0 ? r.chain[0] : null;
    Instant now = Instant.now();
    if (leaf == null) {
      return new TlsException(Reason.TLS_UNTRUSTED, of + " could not be verified: " + Printable.escape(r.getMessage()), stage, 0, null, null, null, cause);
    }
    if (has(r, BasicReason.EXPIRED, CertificateExpiredException.class)) {
      X509Certificate x = first(r.chain, c -> c.getNotAfter().toInstant().isBefore(now), leaf);
      return new TlsException(Reason.TLS_UNTRUSTED, of + (x == leaf ? "" : " (its issuer " + name(x) + ")") + " expired on " + DAY.format(x.getNotAfter().toInstant()),
          stage, 0, null, null, "the server's administrator must renew it; if that date is still to come, this machine's clock is wrong (it says "
              + DAY.format(now) + ")", cause);
    }
    if (has(r, BasicReason.NOT_YET_VALID, CertificateNotYetValidException.class)) {
      X509Certificate x = first(r.chain, c -> c.getNotBefore().toInstant().isAfter(now), leaf);
      return new TlsException(Reason.TLS_UNTRUSTED, of + (x == leaf ? "" : " (its issuer " + name(x) + ")") + " is not valid yet: valid from "
          + DAY.format(x.getNotBefore().toInstant()), stage, 0, null, null,
          "check this machine's clock (it says " + DAY.format(now) + "); if it is right, the server's certificate was issued for the future", cause);
    }
    String all = messages(r);
    if (all.contains("No subject alternative") || all.contains("No name matching")) {
      List<String> names = names(leaf);
      return new TlsException(Reason.TLS_UNTRUSTED, of + " is not valid for the name '" + host + "': it names "
          + (names.isEmpty() ? "no host" : String.join(", ", names)), stage, 0, null, null,
          "connect to a name that the certificate names (set host accordingly), or fix the server's certificate", cause);
    }
    boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
    String what = selfSigned ? " is self-signed and not trusted by " + trust
        : " was issued by " + name(r.chain[r.chain.length - 1].getIssuerX500Principal().getName()) + ", a CA not trusted by " + trust;
    return new TlsException(Reason.TLS_UNTRUSTED, of + what, stage, 0, null, null, trust.startsWith("tls-trust")
        ? "put the server's certificate or its CA (PEM) in the tls-trust file"
        : "for a private or self-signed server set tls-trust = \"path/to/ca-or-cert.pem\"", cause);
  }

  private static boolean has(Throwable t, BasicReason reason, Class<? extends CertificateException> type) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (type.isInstance(x)) return true;
      if (x instanceof CertPathValidatorException v && v.getReason() == reason) return true;
    }
    return false;
  }

  private static X509Certificate first(X509Certificate[] chain, java.util.function.Predicate<X509Certificate> p, X509Certificate fallback) {
    for (X509Certificate c : chain) if (p.test(c)) return c;
    return fallback;
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable x = t; x != null && sb.length() < 4000; x = x.getCause()) sb.append(x.getMessage()).append(' ');
    return sb.toString();
  }

  /** The DNS names and addresses a certificate is for (its subject alternative names, else its CN). */
  static List<String> names(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          Object type = san.get(0);
          if ((Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) && san.get(1) instanceof String s) {
            out.add(Printable.escape(s));
          }
        }
      }
    } catch (CertificateParsingException ignored) {
      // fall back to the CN
    }
    if (out.isEmpty()) {
      String cn = cn(c.getSubjectX500Principal().getName());
      if (cn != null) out.add(Printable.escape(cn));
    }
    return out;
  }

  private static String name(X509Certificate c) {
    return name(c.getSubjectX500Principal().getName());
  }

  /** A distinguished name shown by its CN when it has one; what came from the server, made printable. */
  private static String name(String dn) {
    String cn = cn(dn);
    return "'" + Printable.escape(cn != null ? cn : dn) + "'";
  }

  private static String cn(String dn) {
    try {
      for (Rdn rdn : new LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
      }
    } catch (javax.naming.InvalidNameException ignored) {
      // not a name we can split: show none
    }
    return null;
  }
}

package dev.herald.mail.smtp.internal;

import dev.herald.mail.Printable;
import dev.herald.mail.smtp.SmtpReply;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What the handshake established, fixed for the rest of the session: the greeting, the
 * capabilities of the last EHLO, whether the server spoke only HELO, TLS, and the AUTH mechanism.
 *
 * @param tls null on a plaintext session
 * @param authMechanism null when the session did not authenticate
 */
record SessionInfo(String server, SmtpReply greeting, Capabilities caps, boolean heloOnly, Tls tls, String authMechanism) {

  /**
   * The TLS session as {@code check()} shows it.
   *
   * @param certificate the server's own certificate; null when not verified or not X.509
   */
  record Tls(String protocol, String cipher, boolean verified, X509Certificate certificate) {
    static Tls of(SSLSession s) {
      try {
        Certificate[] chain = s.getPeerCertificates();
        X509Certificate x = chain.length > 0 && chain[0] instanceof X509Certificate c ? c : null;
        return new Tls(s.getProtocol(), s.getCipherSuite(), true, x);
      } catch (SSLPeerUnverifiedException e) {
        return new Tls(s.getProtocol(), s.getCipherSuite(), false, null);
      }
    }
  }

  /** What {@code herald check} shows: greeting, capabilities, TLS, certificate, AUTH mechanism. */
  Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("server", server);
    // What the server sent (greeting, capabilities, certificate names) is printed: escaped.
    m.put("greeting", Printable.escape(greeting.toString()));
    m.put("esmtp", heloOnly ? "no (HELO only)" : "yes");
    m.put("capabilities", caps.lines().isEmpty() ? "(none)" : Printable.escape(String.join(", ", caps.lines())));
    if (tls != null) {
      m.put("tls", tls.protocol());
      m.put("cipher", tls.cipher());
      if (tls.certificate() != null) {
        X509Certificate x = tls.certificate();
        m.put("certificate", Printable.escape(x.getSubjectX500Principal().getName()));
        m.put("certificate issuer", Printable.escape(x.getIssuerX500Principal().getName()));
        m.put("certificate expires", x.getNotAfter().toInstant().toString());
      } else if (!tls.verified()) {
        m.put("certificate", "(not verified)");
      }
    } else {
      m.put("tls", "none (plaintext)");
    }
    m.put("auth", authMechanism == null ? "none" : authMechanism.toUpperCase(Locale.ROOT));
    return m;
  }
}

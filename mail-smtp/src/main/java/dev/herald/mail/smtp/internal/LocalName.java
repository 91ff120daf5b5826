package dev.herald.mail.smtp.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;

/** The default EHLO name: this host's fully qualified name, else the address literal of the socket's local end. */
final class LocalName {
  private LocalName() { }

  private static final class Holder {
    // Looked up once per JVM: the lookup may go to DNS and take a while.
    static final String FQDN = lookup();
  }

  private static String lookup() {
    try {
      String name = InetAddress.getLocalHost().getCanonicalHostName();
      if (name.indexOf('.') > 0 && !Tls.isIpLiteral(name) && !name.endsWith(".") && !name.startsWith("localhost")) return name;
    } catch (Exception e) {
      // no usable host name: fall back to an address literal
    }
    return null;
  }

  static String of(Socket socket) {
    String fqdn = Holder.FQDN;
    if (fqdn != null) return fqdn;
    InetAddress a = socket.getLocalAddress();
    if (a instanceof Inet6Address) {
      String h = a.getHostAddress();
      int pct = h.indexOf('%');
      return "[IPv6:" + (pct < 0 ? h : h.substring(0, pct)) + "]";
    }
    return "[" + a.getHostAddress() + "]";
  }
}

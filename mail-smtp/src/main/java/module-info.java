/**
 * Herald's ESMTP client: the {@code smtp} transport and its builder; the presets of well-known
 * providers and the advisor of those with replies to explain (Microsoft 365). Internals are not exported.
 */
module dev.herald.mail.smtp {
  requires transitive dev.herald.mail;
  requires java.naming; // the certificate's subject names (javax.naming.ldap)

  exports dev.herald.mail.smtp;

  provides dev.herald.mail.spi.TransportFactory with dev.herald.mail.smtp.SmtpTransportFactory;
  // Beside the Microsoft presets it explains (herald-smtp-presets.conf).
  provides dev.herald.mail.spi.ProfileAdvisor with dev.herald.mail.smtp.Microsoft365Advisor;
}

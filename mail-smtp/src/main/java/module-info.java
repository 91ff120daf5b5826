/** Herald's ESMTP client: the {@code smtp} transport and its builder. Internals are not exported. */
module dev.herald.mail.smtp {
  requires transitive dev.herald.mail;
  requires java.naming; // the certificate's subject names (javax.naming.ldap)

  exports dev.herald.mail.smtp;

  provides dev.herald.mail.spi.TransportFactory with dev.herald.mail.smtp.SmtpTransportFactory;
}

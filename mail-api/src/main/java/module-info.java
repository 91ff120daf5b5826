/**
 * Herald's message model ({@code Email}, {@code RawEmail}, {@code Address}), the {@code Mailer},
 * the exceptions, config binding, DKIM signing, and the SPIs that transports, credential sources,
 * queues and advisors implement. {@code dev.herald.mail.internal} (rendering, the built-in
 * providers) is not exported: its classes may change in any release.
 */
module dev.herald.mail {
  // Config is in the API (HeraldConfig, Profile, every factory SPI): a user of this module needs it too.
  requires transitive typesafe.config;
  requires jakarta.mail;
  requires org.jsoup;
  // MailModule and MailerFactory's @Inject are for Guice users only; without Guice they are never loaded.
  requires static com.google.guice;
  requires static jakarta.inject;

  exports dev.herald.mail;
  exports dev.herald.mail.spi;
  exports dev.herald.mail.dkim;

  uses dev.herald.mail.spi.TransportFactory;
  uses dev.herald.mail.spi.CredentialSourceFactory;
  uses dev.herald.mail.spi.ProfileAdvisor;
  uses dev.herald.mail.spi.QueueFactory;

  // The same classes as META-INF/services (kept for class-path users).
  provides dev.herald.mail.spi.TransportFactory with dev.herald.mail.internal.file.FileTransportFactory;
  provides dev.herald.mail.spi.CredentialSourceFactory with
      dev.herald.mail.internal.credentials.EnvSourceFactory,
      dev.herald.mail.internal.credentials.FileSourceFactory,
      dev.herald.mail.internal.credentials.CommandSourceFactory,
      dev.herald.mail.internal.credentials.InlineSourceFactory;
}

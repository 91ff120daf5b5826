/** The {@code gmail} presets and the advisor that explains Gmail's refusals. */
module dev.herald.mail.gmail {
  requires transitive dev.herald.mail;
  // Not referenced from code: the presets name the smtp transport and the oauth2 credential source.
  requires dev.herald.mail.smtp;
  requires dev.herald.mail.oauth2;

  exports dev.herald.mail.gmail;

  provides dev.herald.mail.spi.ProfileAdvisor with dev.herald.mail.gmail.GmailAdvisor;
}

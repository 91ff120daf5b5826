/** The {@code oauth2} credential source and the installed-app flow behind {@code herald auth}. */
module dev.herald.mail.oauth2 {
  requires transitive dev.herald.mail;
  requires com.fasterxml.jackson.core;
  requires java.net.http;   // the token endpoint
  requires jdk.httpserver;  // the loopback redirect of the installed-app flow
  requires java.desktop;    // opens the browser where there is a desktop

  exports dev.herald.mail.oauth2;

  provides dev.herald.mail.spi.CredentialSourceFactory with dev.herald.mail.oauth2.OAuth2CredentialSourceFactory;
}

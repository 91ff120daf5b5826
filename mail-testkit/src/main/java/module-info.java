/**
 * {@code MockSmtpServer}, the JUnit 5 extension ({@code junit5}, needs junit-jupiter-api), the
 * {@code memory} transport and the transport contract suites.
 */
module dev.herald.mail.testkit {
  requires transitive dev.herald.mail;
  requires jakarta.mail;     // parses what the server receives
  requires com.fasterxml.jackson.core;
  requires jdk.httpserver;   // the dev server's web inbox
  // Only the junit5 package needs JUnit; its types are in that package's API.
  requires static transitive org.junit.jupiter.api;

  exports dev.herald.mail.testkit;
  exports dev.herald.mail.testkit.junit5;

  provides dev.herald.mail.spi.TransportFactory with dev.herald.mail.testkit.RecordingTransportFactory;
}

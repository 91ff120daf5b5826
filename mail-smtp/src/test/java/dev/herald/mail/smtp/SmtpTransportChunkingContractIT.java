package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.junit5.SmtpTransportContract;

/** mail-testkit's transport contract when the server offers CHUNKING: every message goes as {@code BDAT n LAST}. */
class SmtpTransportChunkingContractIT extends SmtpTransportContract {
  @Override protected MockSmtpServer.Builder serverBuilder() {
    return super.serverBuilder().chunking(true);
  }

  @Override protected Transport createTransport(Config profile, MockSmtpServer server) {
    return new SmtpTransportFactory().create(profile,
        new TransportContext(Credentials.password("bob", CredentialSource.of("secret")), null, null));
  }
}

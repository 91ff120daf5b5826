package dev.herald.mail.smtp;

import com.typesafe.config.Config;
import dev.herald.mail.spi.CredentialSource;
import dev.herald.mail.spi.Credentials;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.spi.TransportContext;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.junit5.SmtpTransportContract;

/** mail-testkit's transport contract, over STARTTLS with AUTH, built from the server's profile by the factory. */
class SmtpTransportContractIT extends SmtpTransportContract {
  @Override protected Transport createTransport(Config profile, MockSmtpServer server) {
    return new SmtpTransportFactory().create(profile,
        new TransportContext(Credentials.password(profile.getString("username"), CredentialSource.of(profile.getString("password"))), null, null));
  }
}

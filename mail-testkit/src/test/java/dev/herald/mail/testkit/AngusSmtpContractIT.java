package dev.herald.mail.testkit;

import com.typesafe.config.Config;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.junit5.SmtpTransportContract;
import dev.herald.mail.testkit.testing.AngusSmtpTransport;

/**
 * The contract suite, run with Angus Mail as the SMTP transport against the mock server: checks
 * the suite itself, the server's recording (envelope, Bcc, dot-unstuffing) and {@code profile()}.
 */
class AngusSmtpContractIT extends SmtpTransportContract {
  @Override protected Transport createTransport(Config profile, MockSmtpServer server) throws Exception {
    return new AngusSmtpTransport(profile);
  }
}

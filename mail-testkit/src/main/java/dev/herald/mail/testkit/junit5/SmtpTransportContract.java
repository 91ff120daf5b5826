package dev.herald.mail.testkit.junit5;

import com.typesafe.config.Config;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.DeliveredMessage;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.time.Duration;

/**
 * {@link TransportContract} for transports that speak SMTP: each test gets a fresh
 * {@link MockSmtpServer} (configure it by overriding {@link #serverBuilder()}), and what it
 * records is what was delivered, envelope included.
 *
 * <pre>{@code
 * class SmtpTransportContractTest extends SmtpTransportContract {
 *   @Override protected Transport createTransport(Config profile, MockSmtpServer server) {
 *     return new SmtpTransportFactory().create(profile, TransportContext.empty());
 *   }
 * }
 * }</pre>
 */
public abstract class SmtpTransportContract extends TransportContract {

  /** The server of the current test. */
  protected MockSmtpServer server;

  /** The server each test runs against; by default STARTTLS and a user {@code bob}/{@code secret}. */
  protected MockSmtpServer.Builder serverBuilder() {
    return MockSmtpServer.builder().user("bob", "secret");
  }

  /** Creates the transport under test for {@code profile}, which is {@code server.profile()}. */
  protected abstract Transport createTransport(Config profile, MockSmtpServer server) throws Exception;

  @Override protected final Transport createTransport() throws Exception {
    server = serverBuilder().build().start();
    return createTransport(server.profile(), server);
  }

  @Override protected DeliveredMessage nextDelivered(Duration timeout) throws Exception {
    RecordedMessage m = server.takeMessage(timeout);
    return m == null ? null : DeliveredMessage.of(m);
  }

  @Override protected void afterTransportClosed() {
    if (server != null) server.close();
  }
}

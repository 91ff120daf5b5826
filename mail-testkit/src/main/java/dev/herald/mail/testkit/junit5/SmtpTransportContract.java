package dev.herald.mail.testkit.junit5;

import static dev.herald.mail.testkit.Fault.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.herald.mail.MailException;
import dev.herald.mail.PermanentMailException;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.DeliveredMessage;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.RecordedMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TransportContract} for transports that speak SMTP: each test gets a fresh
 * {@link MockSmtpServer} (configure it by overriding {@link #serverBuilder()}), and what it
 * records is what was delivered, envelope included. Adds what DESIGN.md asks of SMTP: TLS and
 * AUTH as the profile says, partial delivery reported in the receipt, and failures classified by
 * the reply code with the stage, code and enhanced code on the exception.
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

  @Test public void arrivesOverTlsAndAuthenticatedAsTheProfileSays() throws Exception {
    send(base().subject("Contract: session").text("x").build());
    RecordedMessage m = server.takeMessage(deliveryTimeout());
    assertTrue(m != null, "nothing was delivered");
    assertEquals(server.tlsMode() != MockSmtpServer.TlsMode.NONE, m.tls(), "TLS as the profile says");
    Config profile = server.profile();
    if (profile.hasPath("username")) {
      assertEquals(profile.getString("username"), m.authenticatedUser().orElse(null), "logged in as the profile's user");
    }
  }

  @Test public void partialDeliveryIsReportedInTheReceipt() throws Exception {
    server.script(at(Stage.RCPT).forRecipient("ghost@example.net").reply(550, "5.1.1 No such user"));
    SendReceipt r = send(base().to("ghost@example.net").subject("Contract: partial").text("x").build());
    assertTrue(r.partial(), r.toString());
    assertEquals(List.of("bob@example.net"), r.accepted());
    assertEquals(1, r.rejected().size(), r.toString());
    SendReceipt.Rejection x = r.rejected().get(0);
    assertEquals("ghost@example.net", x.recipient());
    assertEquals(550, x.code());
    assertEquals("5.1.1", x.enhancedCode());
    assertEquals(List.of("bob@example.net"), awaitDelivery().envelope().orElseThrow().recipients());
  }

  @Test public void a4xxReplyIsTransientWithTheFacts() throws Exception {
    server.script(at(Stage.DATA_END).reply(451, "4.3.0 Try again later"));
    TransientMailException e = assertThrows(TransientMailException.class,
        () -> send(base().subject("Contract: 451").text("x").build()));
    assertEquals(Stage.DATA_END, e.stage());
    assertEquals(451, e.replyCode());
    assertEquals(MailException.Reason.SERVER_TRANSIENT, e.reason());
    assertEquals("4.3.0", e.enhancedCode().orElse(null));
    assertEquals(0, server.messageCount());
  }

  @Test public void a5xxReplyIsPermanentWithTheFacts() {
    server.script(at(Stage.MAIL).reply(553, "5.7.1 Sender not allowed"));
    PermanentMailException e = assertThrows(PermanentMailException.class,
        () -> send(base().subject("Contract: 553").text("x").build()));
    assertEquals(Stage.MAIL, e.stage());
    assertEquals(553, e.replyCode());
    assertEquals(MailException.Reason.SERVER_PERMANENT, e.reason());
    assertEquals("5.7.1", e.enhancedCode().orElse(null));
    assertEquals(0, server.messageCount());
  }

  @Override protected void afterTransportClosed() {
    if (server != null) server.close();
  }
}

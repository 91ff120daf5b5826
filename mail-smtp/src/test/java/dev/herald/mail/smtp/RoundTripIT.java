package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static dev.herald.mail.smtp.testing.Messages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.SendOutcome;
import dev.herald.mail.smtp.testing.FlightCountingProxy;
import dev.herald.mail.smtp.testing.Outgoings;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.MockSmtpServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Round trips per message on a reused connection, counted as client flights by a proxy: the
 * issue's targets are at most 1.3 for a batch and 2.1 for messages sent one call at a time.
 * The handshake (EHLO) and QUIT are one flight each and are counted in.
 */
@Timeout(30)
class RoundTripIT {
  private static final int N = 50;

  private static double perMessage(boolean chunking, boolean batch) throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).chunking(chunking).build().start();
         FlightCountingProxy proxy = new FlightCountingProxy(server.port())) {
      try (SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(proxy.port()).tls(TlsPolicy.NONE)
          .maxConnections(1).maxMessagesPerConnection(0).build()) {
        if (batch) {
          List<SendOutcome> out = t.sendAll(Outgoings.to("rcpt@example.net", N));
          assertTrue(out.stream().allMatch(SendOutcome::sent));
        } else {
          for (int i = 0; i < N; i++) t.send(envelope("rcpt@example.net"), text("message " + i + "\r\n"));
        }
      }
      assertEquals(N, server.messageCount());
      assertEquals(1, server.sessionCount());
      Thread.sleep(100);   // let the proxy see QUIT
      double rt = proxy.flights() / (double) N;
      System.out.printf("chunking=%s batch=%s: %d flights for %d messages = %.2f round trips/message%n",
          chunking, batch, proxy.flights(), N, rt);
      return rt;
    }
  }

  @Test void batchWithDataIsAboutOneRoundTripPerMessage() throws Exception {
    double rt = perMessage(false, true);
    assertTrue(rt <= 1.1, "round trips per message: " + rt);
  }

  @Test void singleSendsWithDataTakeTwoRoundTrips() throws Exception {
    double rt = perMessage(false, false);
    assertTrue(rt <= 2.1, "round trips per message: " + rt);
  }

  @Test void singleSendsWithBdatTakeOneRoundTrip() throws Exception {
    double rt = perMessage(true, false);
    assertTrue(rt <= 1.1, "round trips per message: " + rt);
  }

  @Test void batchWithBdatIsOneRoundTripPerMessage() throws Exception {
    double rt = perMessage(true, true);
    assertTrue(rt <= 1.1, "round trips per message: " + rt);
  }
}

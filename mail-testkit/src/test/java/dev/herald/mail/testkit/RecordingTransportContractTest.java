package dev.herald.mail.testkit;

import dev.herald.mail.spi.Transport;
import dev.herald.mail.testkit.junit5.TransportContract;
import java.time.Duration;
import java.util.UUID;

/** The memory transport passes the contract every transport passes. */
class RecordingTransportContractTest extends TransportContract {
  private final String name = "contract-" + UUID.randomUUID();

  @Override protected Transport createTransport() {
    return RecordingTransport.named(name);
  }

  @Override protected DeliveredMessage nextDelivered(Duration timeout) throws InterruptedException {
    return RecordingTransport.named(name).takeMessage(timeout);
  }
}

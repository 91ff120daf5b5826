package dev.herald.mail.dkim;

import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.util.LinkedHashMap;
import java.util.Map;

/** Signs each message with DKIM, then hands it to the transport it wraps. */
final class SigningTransport implements Transport {
  private final DkimSigner signer;
  private final Transport transport;

  SigningTransport(DkimSigner signer, Transport transport) {
    this.signer = signer;
    this.transport = transport;
  }

  @Override public SendReceipt send(Envelope envelope, MessageContent content) {
    return transport.send(envelope, signer.sign(content));
  }

  @Override public String describe() { return transport.describe(); }

  @Override public Map<String, String> check() {
    Map<String, String> out = new LinkedHashMap<>(transport.check());
    out.putAll(signer.describe());
    return out;
  }

  @Override public void close() { transport.close(); }

  @Override public String toString() { return transport + " signed by " + signer; }
}

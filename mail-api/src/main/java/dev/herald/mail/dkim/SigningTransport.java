package dev.herald.mail.dkim;

import dev.herald.mail.Envelope;
import dev.herald.mail.MailException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.spi.Transport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Signs each message with DKIM, then hands it to the transport it wraps, keeping that transport's
 * own ways of sending (its pool for {@link #sendAsync}, pipelining for {@link #sendAll}).
 */
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

  @Override public CompletableFuture<SendReceipt> sendAsync(Envelope envelope, MessageContent content) {
    MessageContent signed;
    try {
      signed = signer.sign(content);
    } catch (MailException e) {
      return CompletableFuture.failedFuture(e);
    }
    return transport.sendAsync(envelope, signed);
  }

  /** A message that cannot be signed fails alone; the others go as one batch. */
  @Override public List<SendOutcome> sendAll(List<Outgoing> messages) {
    SendOutcome[] out = new SendOutcome[messages.size()];
    List<Outgoing> batch = new ArrayList<>(messages.size());
    List<Integer> positions = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Outgoing m = messages.get(i);
      try {
        batch.add(new Outgoing(m.envelope(), signer.sign(m.content())));
        positions.add(i);
      } catch (MailException e) {
        out[i] = new SendOutcome(i, null, e);
      }
    }
    if (!batch.isEmpty()) {
      for (SendOutcome o : transport.sendAll(batch)) {
        int i = positions.get(o.index());
        out[i] = new SendOutcome(i, o.receipt(), o.failure());
      }
    }
    return List.of(out);
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

package dev.herald.mail.bench;

import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.MessageContent;
import dev.herald.mail.Outgoing;
import dev.herald.mail.SendOutcome;
import dev.herald.mail.SendReceipt;
import dev.herald.mail.smtp.SmtpTransport;
import dev.herald.mail.smtp.TlsPolicy;
import dev.herald.mail.spi.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Herald's client: one {@link SmtpTransport} for the whole run (plaintext to the loopback sink), its
 * pool capped at {@code --connections}. A fresh {@link Email} is built and rendered for every message.
 */
final class HeraldRunner implements Send.Runner {
  private final Send.Options o;
  private final boolean batch;
  private final int connections;
  private final SmtpTransport transport;
  private final AtomicLong accepted = new AtomicLong();
  private final LongAdder buildNanos = new LongAdder();

  private HeraldRunner(Send.Options o, boolean batch, int connections) {
    this.o = o;
    this.batch = batch;
    this.connections = connections;
    SmtpTransport.Builder b = SmtpTransport.builder()
        .host(o.host)
        .port(o.port)
        .tls(TlsPolicy.NONE)
        .maxConnections(connections);
    if (o.maxMessagesPerConnection >= 0) b.maxMessagesPerConnection(o.maxMessagesPerConnection);
    if (o.trace) {
      b.trace((direction, line) -> System.err.println(prefix(direction) + line));
    }
    this.transport = b.build();
    if (o.dkim != null) {
      dev.herald.mail.dkim.DkimAlgorithm a = dev.herald.mail.dkim.DkimAlgorithm.named(o.dkim);
      if (a == null) throw new IllegalArgumentException("--dkim must be rsa or ed25519");
      this.dkim = dev.herald.mail.dkim.DkimSigner.builder().domain("example.com").selector("bench")
          .privateKey(dev.herald.mail.dkim.DkimKeys.generate(a, 2048).getPrivate()).build();
    } else {
      this.dkim = null;
    }
  }

  private final dev.herald.mail.dkim.DkimSigner dkim;

  private MessageContent render(Email e) {
    MessageContent c = e.render();
    return dkim == null ? c : dkim.sign(c);
  }

  /** One {@code send} call per message; K threads share the transport and its C connections. */
  static HeraldRunner oneAtATime(Send.Options o) {
    return new HeraldRunner(o, false, o.connections > 0 ? o.connections : o.threads);
  }

  /** {@code sendAll} of B messages at a time from one thread over C connections (default 1). */
  static HeraldRunner batch(Send.Options o) {
    if (o.threads != 1) throw new IllegalArgumentException("herald-batch sends from one thread; use --connections");
    return new HeraldRunner(o, true, o.connections > 0 ? o.connections : 1);
  }

  private volatile Object[] fixed; // --same-content: {Envelope, MessageContent}

  private Email email(int i) {
    Email.Builder b = Email.builder()
        .from(Send.FROM)
        .to(Send.TO)
        .subject("bench message " + i)
        .text(o.body);
    if (o.attach != null) {
      b.attach(o.attach.toPath());
    }
    return b.build();
  }

  @Override
  public void send(int worker, int from, int count) throws Exception {
    if (!batch) {
      for (int i = from; i < from + count; i++) {
        long b0 = System.nanoTime();
        Envelope env;
        MessageContent content;
        if (o.sameContent) {
          Object[] f = fixed();
          env = (Envelope) f[0];
          content = (MessageContent) f[1];
        } else {
          Email e = email(i);
          env = Envelope.of(e);
          content = render(e);
        }
        buildNanos.add(System.nanoTime() - b0);
        SendReceipt r = transport.send(env, content);
        accepted.addAndGet(r.accepted().size());
      }
      return;
    }
    for (int start = from; start < from + count; start += o.batch) {
      int end = Math.min(from + count, start + o.batch);
      List<Outgoing> list = new ArrayList<>(end - start);
      long b0 = System.nanoTime();
      for (int i = start; i < end; i++) {
        if (o.sameContent) {
          Object[] f = fixed();
          list.add(new Outgoing((Envelope) f[0], (MessageContent) f[1]));
        } else {
          Email e = email(i);
          list.add(new Outgoing(Envelope.of(e), render(e)));
        }
      }
      buildNanos.add(System.nanoTime() - b0);
      for (SendOutcome r : transport.sendAll(list)) {
        accepted.addAndGet(r.receiptOrThrow().accepted().size()); // a failed message fails the run
      }
    }
  }

  private Object[] fixed() {
    Object[] f = fixed;
    if (f == null) {
      synchronized (this) {
        if (fixed == null) {
          Email e = email(0);
          fixed = new Object[] {Envelope.of(e), render(e)};
        }
        f = fixed;
      }
    }
    return f;
  }

  @Override
  public long takeBuildNanos() {
    return buildNanos.sumThenReset();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String describe() {
    return "herald: " + (batch ? "sendAll of " + o.batch : "send per message") + (dkim == null ? "" : ", DKIM " + dkim.algorithm().tag()) + (o.sameContent ? " (same content)" : "") + ", " + connections
        + " connection(s), " + accepted.get() + " recipients accepted";
  }

  private static String prefix(TraceListener.Direction d) {
    return switch (d) {
      case CLIENT -> "> ";
      case SERVER -> "< ";
      case INFO -> "* ";
    };
  }
}

package dev.herald.mail.smtp;

import static dev.herald.mail.smtp.testing.Messages.envelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.InvalidMessageException;
import dev.herald.mail.MessageContent;
import dev.herald.mail.TransientMailException;
import dev.herald.mail.smtp.testing.RecordingTrace;
import dev.herald.mail.testkit.MockSmtpServer;
import dev.herald.mail.testkit.MockSmtpServer.TlsMode;
import dev.herald.mail.testkit.RecordedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages too large to stage in memory are streamed; their failures must not deliver half a message. */
@Timeout(30)
class LargeMessageIT {
  private final RecordingTrace trace = new RecordingTrace();

  /** A generated message of {@code lines} lines of 76 octets, optionally with one overlong line near the end. */
  static final class Generated implements MessageContent {
    final int lines;
    final boolean badLineAtEnd;
    Generated(int lines, boolean badLineAtEnd) {
      this.lines = lines;
      this.badLineAtEnd = badLineAtEnd;
    }
    @Override public void writeTo(OutputStream out) throws IOException {
      out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] line = (".".repeat(1) + "b".repeat(73) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < lines; i++) out.write(line);
      if (badLineAtEnd) out.write(("y".repeat(2000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    @Override public long size() { return 16L + 76L * lines + (badLineAtEnd ? 2002 : 0); }
    @Override public Optional<String> messageId() { return Optional.empty(); }
    @Override public boolean has8bit() { return false; }
    @Override public boolean requiresSmtpUtf8() { return false; }
  }

  private SmtpTransport client(int port, Duration reply) {
    return SmtpTransport.builder().host("127.0.0.1").port(port).tls(TlsPolicy.NONE).replyTimeout(reply)
        .dataEndTimeout(Duration.ofSeconds(10)).trace(trace).build();
  }

  @Test void largeMessageIsStreamedWithDotStuffing() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true).build().start();
         SmtpTransport t = client(server.port(), Duration.ofSeconds(5))) {
      Generated g = new Generated(30_000, false);   // about 2.2 MB, over the staging cap
      t.send(envelope("a@example.net"), g);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(10));
      assertEquals(g.size(), m.size());
      assertFalse(m.chunked(), "a streamed message goes with DATA");
      assertTrue(m.rawText().contains("\r\n.bbb"));
      assertTrue(trace.text().contains("SIZE=" + g.size()), trace.text());
    }
  }

  @Test void aMessageKnownToBeLargeIsStreamedAtOnceAndNotCounted() throws Exception {
    Generated g = new Generated(30_000, false);
    AtomicInteger writes = new AtomicInteger();
    AtomicInteger counts = new AtomicInteger();
    MessageContent known = new MessageContent() {
      @Override public void writeTo(OutputStream out) throws IOException { writes.incrementAndGet(); g.writeTo(out); }
      @Override public long size() { counts.incrementAndGet(); return g.size(); }
      @Override public long knownSize() { return g.size(); }
      @Override public Optional<String> messageId() { return Optional.empty(); }
      @Override public boolean has8bit() { return false; }
      @Override public boolean requiresSmtpUtf8() { return false; }
    };
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).chunking(true).build().start();
         SmtpTransport t = client(server.port(), Duration.ofSeconds(5))) {
      t.send(envelope("a@example.net"), known);
      RecordedMessage m = server.takeMessage(Duration.ofSeconds(10));
      assertEquals(g.size(), m.size());
      assertFalse(m.chunked(), "a streamed message goes with DATA");
      assertTrue(trace.text().contains("SIZE=" + g.size()), trace.text());
      assertEquals(1, writes.get(), "written once, on the wire: no staging attempt first");
      assertEquals(0, counts.get(), "its known size is not counted again");
    }
  }

  @Test void overlongLineDeepInALargeMessageAbandonsItWithoutDelivery() throws Exception {
    try (MockSmtpServer server = MockSmtpServer.builder().tls(TlsMode.NONE).build().start();
         SmtpTransport t = client(server.port(), Duration.ofSeconds(5))) {
      InvalidMessageException e = assertThrows(InvalidMessageException.class,
          () -> t.send(envelope("a@example.net"), new Generated(30_000, true)));
      assertTrue(e.getMessage().contains("longer than 998"), e.getMessage());
      Thread.sleep(200);
      assertEquals(0, server.messageCount());
      // The transport recovers on a new connection.
      t.send(envelope("a@example.net"), new Generated(10, false));
      assertEquals(1, server.messageCount());
      assertEquals(2, server.sessionCount());
    }
  }

  /** A server that accepts DATA and then stops reading: the write must not block forever. */
  @Test void serverThatStopsReadingCannotBlockAWrite() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread srv = new Thread(() -> {
        try (Socket s = ss.accept()) {
          OutputStream out = s.getOutputStream();
          InputStream in = s.getInputStream();
          out.write("220 stuck ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          readLine(in);
          out.write("250 stuck\r\n".getBytes(StandardCharsets.US_ASCII));
          for (String reply : new String[] {"250 ok", "250 ok", "354 go ahead"}) {   // MAIL, RCPT, DATA in lock-step
            readLine(in);
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          Thread.sleep(30_000);
        } catch (Exception ignored) {
          // the client went away
        }
      });
      srv.setDaemon(true);
      srv.start();
      try (SmtpTransport t = SmtpTransport.builder().host("127.0.0.1").port(ss.getLocalPort()).tls(TlsPolicy.NONE)
          .replyTimeout(Duration.ofMillis(800)).build()) {
        long start = System.nanoTime();
        TransientMailException e = assertThrows(TransientMailException.class,
            () -> t.send(envelope("a@example.net"), new Generated(300_000, false)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        assertEquals(dev.herald.mail.Stage.DATA, e.stage(), e.getMessage());
      }
    }
  }

  private static void readLine(InputStream in) throws IOException {
    int c;
    while ((c = in.read()) >= 0 && c != '\n') { }
  }
}

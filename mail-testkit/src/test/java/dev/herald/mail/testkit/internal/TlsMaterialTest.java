package dev.herald.mail.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A mock server's TLS material, with real handshakes on loopback. */
@Timeout(30)
class TlsMaterialTest {
  private static final List<String> LOCAL = List.of("localhost", "127.0.0.1");

  @Test void onlyTls12And13AreEnabled() throws Exception {
    assertArrayEquals(new String[] {"TLSv1.2", "TLSv1.3"},
        TlsMaterial.protocols(new String[] {"SSLv2Hello", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}));
    try (SSLServerSocket s = (SSLServerSocket) new TlsMaterial(LOCAL, null, null).implicitServerSocket()) {
      assertEquals(Set.of("TLSv1.2", "TLSv1.3"), Set.of(s.getEnabledProtocols()));
    }
  }

  @Test void theFileHoldsThePemUntilDeleted() throws Exception {
    TlsMaterial m = new TlsMaterial(LOCAL, null, null);
    m.deleteFile();  // nothing written yet: nothing to do
    Path f = m.file();
    assertSame(f, m.file(), "written once");
    assertEquals(m.certificate().pem(), Files.readString(f, StandardCharsets.US_ASCII));
    assertTrue(m.certificate().pem().startsWith("-----BEGIN CERTIFICATE-----"));
    m.deleteFile();
    assertFalse(Files.exists(f));
  }

  @Test void aDatedCertificateHasItsValidity() {
    Instant from = Instant.parse("2020-01-01T00:00:00Z");
    Instant to = Instant.parse("2021-01-01T00:00:00Z");
    TlsMaterial m = new TlsMaterial(LOCAL, from, to);
    assertEquals(from, m.certificate().certificate().getNotBefore().toInstant());
    assertEquals(to, m.certificate().certificate().getNotAfter().toInstant());
  }

  @Test void starttlsOverAnOpenConnectionHandshakesWithTheClientContext() throws Exception {
    TlsMaterial m = new TlsMaterial(LOCAL, null, null);
    assertEquals("TLSv1.3", handshake(m, m.clientContext()));
  }

  @Test void theClientContextTrustsNoOtherCertificate() {
    TlsMaterial server = new TlsMaterial(List.of("wrong.example"), null, null);
    TlsMaterial other = new TlsMaterial(LOCAL, null, null);
    assertThrows(SSLHandshakeException.class, () -> handshake(server, other.clientContext()));
  }

  /** Connects a plaintext socket, turns its server end into TLS with serverOver, and returns the client's protocol. */
  private static String handshake(TlsMaterial m, SSLContext client) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
        try (Socket plain = listener.accept()) {
          plain.setSoTimeout(10_000);
          SSLSocket ssl = m.serverOver(plain);
          assertEquals(10_000, ssl.getSoTimeout(), "the read timeout carries over");
          ssl.startHandshake();
          ssl.getOutputStream().write('x');
          ssl.getOutputStream().flush();
          ssl.getInputStream().read();
        } catch (IOException e) {
          // the client's failure is what the test looks at
        }
      });
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 10_000);
        plain.setSoTimeout(10_000);
        SSLSocket ssl = (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        ssl.startHandshake();
        assertEquals('x', ssl.getInputStream().read());
        ssl.getOutputStream().write('y');
        ssl.getOutputStream().flush();
        String protocol = ssl.getSession().getProtocol();
        serverSide.get(10, TimeUnit.SECONDS);
        return protocol;
      }
    }
  }
}

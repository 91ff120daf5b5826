package dev.herald.mail.smtp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits between client and server on loopback and counts client flights: each time the client
 * speaks after it heard the server is one round trip (as the bench's delayproxy.py counts them).
 */
public final class FlightCountingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicInteger flights = new AtomicInteger();
  private final Object lock = new Object();
  private boolean clientSpokeLast;

  public FlightCountingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "flight-proxy");
    t.setDaemon(true);
    t.start();
  }

  public int port() { return listener.getLocalPort(); }

  public int flights() { return flights.get(); }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        pump(client.getInputStream(), server.getOutputStream(), true, client, server);
        pump(server.getInputStream(), client.getOutputStream(), false, client, server);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean fromClient, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (lock) {
            if (fromClient && !clientSpokeLast) flights.incrementAndGet();
            clientSpokeLast = fromClient;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        try { a.close(); b.close(); } catch (IOException ignored) { }
      }
    }, "flight-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override public void close() throws IOException {
    listener.close();
  }
}

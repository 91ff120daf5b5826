package dev.herald.mail.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * A started server's listening socket and its connections: accepts on a daemon thread, turns away
 * connections over the limit, runs each session on a daemon thread of its own, and closes them all.
 */
final class Acceptor {
  private final MockSmtpServer server;
  private final ServerSocket serverSocket;
  private final int maxConnections;
  private final AtomicInteger sessionCount;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Accepts on {@code serverSocket} (bound) until {@link #close()}; numbers sessions with {@code sessionCount}. */
  Acceptor(MockSmtpServer server, ServerSocket serverSocket, int maxConnections, AtomicInteger sessionCount) {
    this.server = server;
    this.serverSocket = serverSocket;
    this.maxConnections = maxConnections;
    this.sessionCount = sessionCount;
    Thread t = new Thread(this::acceptLoop, "MockSmtpServer-accept-" + serverSocket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  int port() { return serverSocket.getLocalPort(); }

  private void acceptLoop() {
    while (!closed && !server.isStopped()) {
      Socket s;
      try {
        s = serverSocket.accept();
      } catch (IOException e) {
        if (!closed && !server.isStopped()) server.log(0, "*: accept failed: " + e);
        return;
      }
      sockets.add(s);
      if (closed || server.isStopped()) {
        closeQuietly(s);
        return;
      }
      int id = sessionCount.incrementAndGet();
      if (sockets.size() > maxConnections) {
        server.log(id, "*: refused: more than " + maxConnections + " connections");
        try {
          // Over TLS the 421 would need a handshake on this (accept) thread: just close.
          if (!(s instanceof SSLSocket)) {
            s.getOutputStream().write("421 4.3.2 Too many connections, try later\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        } catch (IOException ignored) {
          // closing anyway
        }
        sockets.remove(s);
        closeQuietly(s);
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          new SmtpSession(server, id, s).run();
        } finally {
          sockets.remove(s);
          closeQuietly(s);
        }
      }, "MockSmtpServer-session-" + id);
      t.setDaemon(true);
      t.start();
    }
  }

  /** Stops accepting and closes every open connection; idempotent. */
  void close() {
    closed = true;
    closeQuietly(serverSocket);
    for (Socket s : sockets) closeQuietly(s);
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}

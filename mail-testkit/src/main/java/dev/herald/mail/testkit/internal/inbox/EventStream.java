package dev.herald.mail.testkit.internal.inbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events to the open inbox pages: {@code new} (a message summary), {@code delete}
 * ({@code {"IDs":[…]}}), and a comment every keep-alive interval. Every write happens on one thread of
 * its own, so a slow page never holds up an SMTP session and an HTTP worker is not held per page; a
 * page whose write fails (it went away) is dropped and its exchange closed.
 */
final class EventStream implements InboxStore.Listener, AutoCloseable {
  private final Set<HttpExchange> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService writer;
  private final int maxClients;

  EventStream(Duration keepAlive, int maxClients) {
    this.maxClients = maxClients;
    this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "inbox-events");
      t.setDaemon(true);
      return t;
    });
    long ms = keepAlive.toMillis();
    writer.scheduleAtFixedRate(() -> broadcast(": keep-alive\n\n"), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Takes over the exchange (left open after the handler returns); false when too many pages are open. */
  boolean open(HttpExchange ex) throws IOException {
    if (clients.size() >= maxClients) return false;
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    clients.add(ex);
    writer.execute(() -> send(ex, "retry: 2000\n: connected\n\n"));
    return true;
  }

  /** How many pages are listening. */
  int clients() { return clients.size(); }

  @Override public void added(StoredMessage m) {
    String data = new String(Json.write(g -> Json.summary(g, m)), StandardCharsets.UTF_8);
    broadcast("event: new\ndata: " + data + "\n\n");
  }

  @Override public void deleted(List<String> ids) {
    broadcast("event: delete\ndata: " + new String(Json.ids(ids), StandardCharsets.UTF_8) + "\n\n");
  }

  private void broadcast(String event) {
    try {
      writer.execute(() -> {
        for (HttpExchange ex : clients) send(ex, event);
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // shutting down
    }
  }

  private void send(HttpExchange ex, String event) {
    try {
      OutputStream out = ex.getResponseBody();
      out.write(event.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException | RuntimeException gone) {
      drop(ex);
    }
  }

  private void drop(HttpExchange ex) {
    if (clients.remove(ex)) ex.close();
  }

  @Override public void close() {
    writer.shutdownNow();
    for (HttpExchange ex : clients) drop(ex);
  }
}

package dev.herald.mail.testkit.internal.inbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web inbox: the page (HTML, CSS and JS from this jar) and the JSON API over an {@link InboxStore},
 * on the JDK's HTTP server with a bounded pool of workers. Requests whose {@code Host} is not this
 * server's (DNS rebinding) are refused; see {@link InboxRoutes} for what is served.
 */
public final class InboxServer implements AutoCloseable {
  /** Workers for requests; event streams do not hold one. */
  private static final int WORKERS = 4;
  private static final int QUEUE = 64;
  private static final int MAX_EVENT_CLIENTS = 32;

  private final InboxStore store;
  private final HttpServer http;
  private final ThreadPoolExecutor workers;
  private final EventStream events;
  private final URI url;

  private InboxServer(InboxStore store, InetAddress address, int port, Duration keepAlive) throws IOException {
    this.store = store;
    this.events = new EventStream(keepAlive, MAX_EVENT_CLIENTS);
    this.http = HttpServer.create(new InetSocketAddress(address, port), 50);
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "inbox-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    workers.allowCoreThreadTimeOut(true);
    http.setExecutor(workers);
    int bound = http.getAddress().getPort();
    String host = address.isAnyLocalAddress() ? "127.0.0.1" : hostLiteral(address);
    this.url = URI.create("http://" + host + ":" + bound + "/");
    InboxRoutes routes = new InboxRoutes(store, events, allowedHosts(address, bound), staticFiles());
    http.createContext("/", routes);
    store.listen(events);
    http.start();
  }

  /**
   * Serves {@code store} on {@code address:port} (0 = a free port).
   *
   * @param keepAlive how often an idle event stream gets a comment (and a page that went away is noticed)
   * @throws UncheckedIOException naming the address when it cannot listen
   */
  public static InboxServer start(InboxStore store, InetAddress address, int port, Duration keepAlive) {
    try {
      return new InboxServer(store, address, port, keepAlive);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the web inbox on " + hostLiteral(address) + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The page's address, such as {@code http://127.0.0.1:8025/}. */
  public URI url() { return url; }

  public InboxStore store() { return store; }

  /** How many pages hold an event stream open. */
  public int eventClients() { return events.clients(); }

  @Override public void close() {
    store.unlisten(events);
    events.close();
    http.stop(0);
    workers.shutdownNow();
  }

  /**
   * The Host values a browser on this machine sends to this server. A wildcard listener accepts any:
   * whoever chose {@code --listen 0.0.0.0} chose to be reached by other names.
   */
  private static Set<String> allowedHosts(InetAddress address, int port) {
    if (address.isAnyLocalAddress()) return null;
    Set<String> hosts = new java.util.HashSet<>();
    hosts.add(hostLiteral(address).toLowerCase(Locale.ROOT));
    if (address.isLoopbackAddress()) hosts.addAll(Set.of("localhost", "127.0.0.1", "[::1]"));
    Set<String> withPorts = new java.util.HashSet<>();
    for (String h : hosts) {
      withPorts.add(h);
      withPorts.add(h + ":" + port);
    }
    return withPorts;
  }

  private static String hostLiteral(InetAddress a) {
    String h = a.getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  private static Map<String, byte[]> staticFiles() throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    for (String name : new String[] {"index.html", "app.js", "app.css"}) {
      try (InputStream in = InboxServer.class.getResourceAsStream("/dev/herald/mail/testkit/inbox/" + name)) {
        if (in == null) throw new IOException("the jar lacks the inbox page's " + name);
        files.put(name, in.readAllBytes());
      }
    }
    return files;
  }

  @Override public String toString() { return "InboxServer[" + url + ", " + store + "]"; }

  /** Exchange helpers shared with the routes. */
  static void closeQuietly(HttpExchange ex) {
    try {
      ex.close();
    } catch (RuntimeException ignored) {
      // closing anyway
    }
  }
}

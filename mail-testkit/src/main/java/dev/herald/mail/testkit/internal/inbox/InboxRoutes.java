package dev.herald.mail.testkit.internal.inbox;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the web inbox serves. Mailpit's API paths where they fit:
 * <pre>
 * GET    /api/v1/messages?start=0&amp;limit=50     newest first
 * DELETE /api/v1/messages                        body {"IDs":[…]}, or none for all
 * GET    /api/v1/search?query=…&amp;start&amp;limit
 * GET    /api/v1/message/{ID}                    ({@code latest} for the newest)
 * GET    /api/v1/message/{ID}/headers
 * GET    /api/v1/message/{ID}/raw
 * GET    /api/v1/message/{ID}/part/{PartID}
 * GET    /view/{ID}.html                         the message's HTML, for the sandboxed iframe (?remote=1 allows remote images)
 * GET    /api/events                             server-sent events (Mailpit has a WebSocket here)
 * </pre>
 * Message content is untrusted: the HTML document is served with a policy that runs no script and
 * loads nothing remote, and every part and the raw source as a download that cannot run either.
 */
final class InboxRoutes implements HttpHandler {
  private static final String APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  /** For anything taken from a message: it is never a document that can run or frame anything. */
  private static final String CONTENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
  private static final Pattern MESSAGE = Pattern.compile("/api/v1/message/([^/]+)(/headers|/raw|/part/([^/]+))?");
  private static final Pattern VIEW = Pattern.compile("/view/([^/]+)\\.html");
  private static final Pattern CID = Pattern.compile("(?i)cid:([^\"'\\s)>]+)");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_BODY = 1 << 20;

  private final InboxStore store;
  private final EventStream events;
  private final Set<String> allowedHosts;
  private final Map<String, byte[]> staticFiles;

  InboxRoutes(InboxStore store, EventStream events, Set<String> allowedHosts, Map<String, byte[]> staticFiles) {
    this.store = store;
    this.events = events;
    this.allowedHosts = allowedHosts;
    this.staticFiles = staticFiles;
  }

  @Override public void handle(HttpExchange ex) {
    boolean keepOpen = false;
    try {
      Headers h = ex.getResponseHeaders();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("Cache-Control", "no-store");
      String host = ex.getRequestHeaders().getFirst("Host");
      if (allowedHosts != null && (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT)))) {
        text(ex, 403, "This inbox answers only to its own address (Host: " + allowedHosts.iterator().next() + "…).");
        return;
      }
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD") && crossSite(ex)) {
        text(ex, 403, "Cross-site requests may not change the inbox.");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      keepOpen = route(ex, method, path, q);
    } catch (IllegalArgumentException e) {
      safely(ex, 400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      safely(ex, 500, "The inbox failed: " + e.getMessage());
    } finally {
      if (!keepOpen) InboxServer.closeQuietly(ex);
    }
  }

  /** Returns true when the exchange stays open (an event stream). */
  private boolean route(HttpExchange ex, String method, String path, Map<String, String> q) throws IOException {
    switch (path) {
      case "/", "/index.html" -> {
        if (!get(ex, method)) return false;
        ex.getResponseHeaders().set("Content-Security-Policy", APP_CSP);
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(ex, 200, "text/html; charset=utf-8", staticFiles.get("index.html"));
        return false;
      }
      case "/static/app.js" -> {
        if (get(ex, method)) send(ex, 200, "text/javascript; charset=utf-8", staticFiles.get("app.js"));
        return false;
      }
      case "/static/app.css" -> {
        if (get(ex, method)) send(ex, 200, "text/css; charset=utf-8", staticFiles.get("app.css"));
        return false;
      }
      case "/api/events" -> {
        if (!get(ex, method)) return false;
        if (events.open(ex)) return true;
        text(ex, 503, "Too many open inbox pages; close one.");
        return false;
      }
      case "/api/v1/messages" -> {
        if (method.equals("DELETE")) {
          List<String> ids = Json.parseIds(body(ex));
          List<String> deleted = ids == null ? store.deleteAll() : store.delete(ids);
          send(ex, 200, "application/json", Json.ids(deleted));
        } else if (get(ex, method, "GET, HEAD, DELETE")) {
          list(ex, q, null);
        }
        return false;
      }
      case "/api/v1/search" -> {
        if (get(ex, method)) list(ex, q, Search.parse(q.getOrDefault("query", "")));
        return false;
      }
      default -> { }
    }
    Matcher m = MESSAGE.matcher(path);
    if (m.matches()) {
      if (get(ex, method)) message(ex, decode(m.group(1)), m.group(2), m.group(3) == null ? null : decode(m.group(3)), q);
      return false;
    }
    Matcher v = VIEW.matcher(path);
    if (v.matches()) {
      if (get(ex, method)) view(ex, decode(v.group(1)), "1".equals(q.get("remote")));
      return false;
    }
    text(ex, 404, "Not found: " + path);
    return false;
  }

  private void list(HttpExchange ex, Map<String, String> q, Search search) throws IOException {
    long t0 = System.nanoTime();
    int start = number(q, "start", 0);
    int limit = number(q, "limit", DEFAULT_LIMIT);
    List<StoredMessage> all = store.newestFirst();
    if (search != null) all = all.stream().filter(search).toList();
    List<StoredMessage> page = all.subList(Math.min(start, all.size()), (int) Math.min(all.size(), (long) start + limit));
    byte[] json = Json.summaries(page, all.size(), start);
    // The time spent here, from the request to the bytes, for whoever measures the server (not the network).
    ex.getResponseHeaders().set("Server-Timing", String.format(Locale.ROOT, "app;dur=%.3f", (System.nanoTime() - t0) / 1e6));
    send(ex, 200, "application/json", json);
  }

  private void message(HttpExchange ex, String id, String what, String partId, Map<String, String> q) throws IOException {
    Optional<StoredMessage> found = "latest".equals(id) ? store.latest() : store.get(id);
    if (found.isEmpty()) {
      send(ex, 404, "application/json", Json.error("No message " + id + " (deleted, or dropped as the oldest)."));
      return;
    }
    StoredMessage s = found.get();
    Headers h = ex.getResponseHeaders();
    if (what == null) {
      send(ex, 200, "application/json", Json.message(s, s.parsed()));
    } else if (what.equals("/headers")) {
      send(ex, 200, "application/json", Json.headers(s.parsed().headers()));
    } else if (what.equals("/raw")) {
      h.set("Content-Security-Policy", CONTENT_CSP);
      if ("1".equals(q.get("dl"))) h.set("Content-Disposition", disposition(s.id() + ".eml"));
      send(ex, 200, "text/plain; charset=utf-8", s.raw());
    } else {
      Optional<ParsedMessage.PartContent> part = s.parsed().part(partId);
      if (part.isEmpty()) {
        send(ex, 404, "application/json", Json.error("Message " + id + " has no part " + partId + "."));
        return;
      }
      ParsedMessage.PartInfo info = part.get().info();
      String type = MEDIA_TYPE.matcher(info.contentType()).matches() ? info.contentType() : "application/octet-stream";
      h.set("Content-Security-Policy", CONTENT_CSP);
      // Always a download: a part of type text/html must never open as a page of this origin.
      h.set("Content-Disposition", disposition(info.fileName().isEmpty() ? "part-" + info.partId() : info.fileName()));
      send(ex, 200, type, part.get().bytes());
    }
  }

  /** The message's HTML with {@code cid:} references pointed at its parts, under a policy that runs nothing. */
  private void view(HttpExchange ex, String id, boolean remoteImages) throws IOException {
    Optional<StoredMessage> found = store.get(id);
    if (found.isEmpty()) {
      text(ex, 404, "No message " + id + ".");
      return;
    }
    ParsedMessage p = found.get().parsed();
    String html = p.html().orElse("");
    String base = "/api/v1/message/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/part/";
    Matcher m = CID.matcher(html);
    StringBuilder out = new StringBuilder(html.length() + 256);
    while (m.find()) {
      String cid = decode(m.group(1));
      Optional<String> part = p.partIdForContentId(cid);
      m.appendReplacement(out, Matcher.quoteReplacement(part.map(pid -> base + URLEncoder.encode(pid, StandardCharsets.UTF_8)).orElse(m.group())));
    }
    m.appendTail(out);
    Headers h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:" + (remoteImages ? " http: https:" : "")
        + "; style-src 'unsafe-inline'; font-src 'self' data:; base-uri 'none'; form-action 'none'; sandbox; frame-ancestors 'self'");
    h.set("X-Frame-Options", "SAMEORIGIN");
    send(ex, 200, "text/html; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean crossSite(HttpExchange ex) {
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) return true;
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    return origin != null && host != null && !origin.equalsIgnoreCase("http://" + host);
  }

  private static boolean get(HttpExchange ex, String method) throws IOException {
    return get(ex, method, "GET, HEAD");
  }

  private static boolean get(HttpExchange ex, String method, String allow) throws IOException {
    if (method.equals("GET") || method.equals("HEAD")) return true;
    ex.getResponseHeaders().set("Allow", allow);
    text(ex, 405, method + " is not allowed here; use " + allow + ".");
    return false;
  }

  private static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) throw new IllegalArgumentException("the request body is over " + MAX_BODY + " bytes");
      return b;
    }
  }

  private static void text(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void safely(HttpExchange ex, int status, String message) {
    try {
      if (ex.getResponseCode() == -1) text(ex, status, message);
    } catch (IOException | RuntimeException ignored) {
      // the client is gone
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** {@code attachment; filename="ascii"; filename*=UTF-8''percent-encoded} (RFC 6266). */
  static String disposition(String fileName) {
    String ascii = fileName.replaceAll("[^A-Za-z0-9._ -]", "_");
    String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  private static int number(Map<String, String> q, String name, int dflt) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      int n = Integer.parseInt(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number 0 or more, got '" + v + "'");
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      q.putIfAbsent(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  /** A path segment: percent-decoded, a {@code +} kept as it is. */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}

package dev.herald.mail.oauth2.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.mail.AuthenticationException;
import dev.herald.mail.LocalIoException;
import dev.herald.mail.MailException.Reason;
import dev.herald.mail.Stage;
import dev.herald.mail.TransientMailException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The redirect target of the installed-app flow (RFC 8252 §7.3): an HTTP listener on
 * {@code 127.0.0.1} that takes one authorization response whose {@code state} matches, answers the
 * browser with a short page, and is closed. Requests with another state or path are answered and
 * otherwise ignored, so a stray request cannot end the flow.
 */
public final class LoopbackReceiver implements AutoCloseable {
  private final HttpServer server;
  private final String state;
  private final String profileName;
  private final Consumer<String> notices;
  private final CompletableFuture<String> code = new CompletableFuture<>();

  private LoopbackReceiver(HttpServer server, String state, String profileName, Consumer<String> notices) {
    this.server = server;
    this.state = state;
    this.profileName = profileName;
    this.notices = notices;
  }

  /**
   * Starts listening on {@code 127.0.0.1:port}.
   *
   * @param port 0 for any free port
   * @param state the value the redirect must carry back
   * @param profileName the profile being authorized, for hints
   * @param notices receives a line for each request that was ignored
   */
  public static LoopbackReceiver start(int port, String state, String profileName, Consumer<String> notices) {
    try {
      InetAddress loopback = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
      HttpServer server = HttpServer.create(new InetSocketAddress(loopback, port), 0);
      LoopbackReceiver r = new LoopbackReceiver(server, state, profileName, notices);
      server.createContext("/", r::handle);
      server.start();
      return r;
    } catch (IOException e) {
      throw new LocalIoException("cannot listen on 127.0.0.1:" + port + " for the browser's redirect: " + e.getMessage()
          + (port == 0 ? "" : "; choose another oauth2.redirect-port, or 0 for any free port"), e);
    }
  }

  /** {@code http://127.0.0.1:PORT/}: the redirect URI to register and send. */
  public URI redirectUri() { return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"); }

  /**
   * Waits for the authorization code.
   *
   * @throws AuthenticationException when the user or the server refused the consent
   * @throws TransientMailException when no answer came within {@code timeout}
   */
  public String awaitCode(Duration timeout) {
    try {
      return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TransientMailException(Reason.TIMEOUT, "no answer from the browser within " + pretty(timeout), Stage.AUTH, 0, null,
          null, "run `herald auth --profile " + profileName + "` again and finish the consent in time"
              + " (oauth2.authorization-timeout sets the wait)", null);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientMailException(Reason.CANCELLED, "interrupted while waiting for the browser", e);
    }
  }

  @Override public void close() { server.stop(0); }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/") || !"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 404, "Not found", "This address only takes Herald's authorization redirect.");
        return;
      }
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      if (!constantTimeEquals(q.get("state"), state)) {
        notices.accept("ignored a request to the redirect listener whose state did not match");
        respond(exchange, 400, "Unexpected request",
            "This is not the answer Herald is waiting for (the state does not match). Start again with herald auth.");
        return;
      }
      if (code.isDone()) {
        respond(exchange, 200, "Already done", "Herald already has its answer. You can close this tab.");
        return;
      }
      String error = q.get("error");
      String received = q.get("code");
      if (error != null || received == null || received.isEmpty()) {
        String detail = error == null ? "no code in the redirect" : error
            + (q.get("error_description") == null ? "" : ": " + q.get("error_description"));
        detail = detail.replaceAll("\\p{Cntrl}+", " ");
        respond(exchange, 200, "Not authorized", "Herald was not authorized (" + detail + "). You can close this tab.");
        code.completeExceptionally(new AuthenticationException("the authorization was not granted (" + detail + ")",
            Stage.AUTH, 0, null, detail, "run `herald auth --profile " + profileName + "` again and allow access in the browser", null));
        return;
      }
      respond(exchange, 200, "Herald is authorized", "Herald has what it needs. You can close this tab.");
      code.complete(received);
    }
  }

  private static void respond(HttpExchange exchange, int status, String title, String text) throws IOException {
    String t = escape(title);
    byte[] body = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + t + "</title></head><body><h1>" + t
        + "</h1><p>" + escape(text) + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return a != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** {@code 5 min}, {@code 90 s}: a wait as people read it. */
  public static String pretty(Duration d) {
    if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) return d.toMinutes() + " min";
    return d.toSeconds() > 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}

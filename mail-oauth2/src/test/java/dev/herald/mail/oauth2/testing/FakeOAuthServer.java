package dev.herald.mail.oauth2.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OAuth2 provider for tests, on {@code 127.0.0.1}: a consent endpoint ({@link #authUri()})
 * that approves at once and redirects back with a code, and a token endpoint ({@link #tokenUri()})
 * that checks PKCE, the client and the refresh token as Google's does, and issues access tokens
 * {@code access-1}, {@code access-2}… Script, run, verify: {@link #enqueue} a raw answer or a delay,
 * {@link #revoke()} the refresh token, then read {@link #tokenRequests()}.
 */
public final class FakeOAuthServer implements AutoCloseable {
  public static final String CLIENT_ID = "fake-client.apps.example";
  public static final String CLIENT_SECRET = "fake-client-secret";
  public static final String REFRESH_TOKEN = "1//fake-refresh-token";

  private final HttpServer server;
  private final List<Map<String, String>> tokenRequests = Collections.synchronizedList(new ArrayList<>());
  private final List<Map<String, String>> consentRequests = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Scripted> script = new ConcurrentLinkedQueue<>();
  private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  /** Access tokens issued and when they stop working, as the resource server (Gmail) sees them. */
  private final Map<String, java.time.Instant> live = new ConcurrentHashMap<>();
  private volatile long expiresIn = 3599;
  private volatile boolean revoked;
  private volatile boolean denyConsent;
  private volatile String grantedScope;

  private record Scripted(int status, String body, Duration delay) { }

  private FakeOAuthServer(HttpServer server) { this.server = server; }

  /** Starts on a free port of 127.0.0.1. */
  public static FakeOAuthServer start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    FakeOAuthServer fake = new FakeOAuthServer(s);
    s.createContext("/token", fake::token);
    s.createContext("/auth", fake::consent);
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    return fake;
  }

  public URI tokenUri() { return URI.create(base() + "/token"); }

  public URI authUri() { return URI.create(base() + "/auth"); }

  /** An {@code oauth2 { … }} block aimed at this server, as HOCON, with the given refresh-token line. */
  public String oauth2Block(String refreshTokenLine) {
    return "{ client-id = \"" + CLIENT_ID + "\", client-secret = \"" + CLIENT_SECRET + "\", "
        + (refreshTokenLine == null ? "" : refreshTokenLine + ", ")
        + "token-uri = \"" + tokenUri() + "\", auth-uri = \"" + authUri() + "\", scopes = [\"https://mail.google.com/\"] }";
  }

  /** Access tokens issued from now on live this many seconds. */
  public FakeOAuthServer expiresIn(long seconds) { this.expiresIn = seconds; return this; }

  /** The refresh token stops working, as when the user revokes access or Google expires it. */
  public FakeOAuthServer revoke() { this.revoked = true; return this; }

  /** The consent page answers {@code error=access_denied}. */
  public FakeOAuthServer denyConsent() { this.denyConsent = true; return this; }

  /** The scope the code exchange reports as granted (default: what was asked). */
  public FakeOAuthServer grantedScope(String scope) { this.grantedScope = scope; return this; }

  /** The next token request gets this answer instead of the normal one. */
  public FakeOAuthServer enqueue(int status, String jsonBody) {
    script.add(new Scripted(status, jsonBody, Duration.ZERO));
    return this;
  }

  /** The next token request is answered normally, but only after {@code delay}. */
  public FakeOAuthServer enqueueDelay(Duration delay) {
    script.add(new Scripted(0, null, delay));
    return this;
  }

  /** The last access token issued, e.g. {@code access-2}; what an SMTP server should accept. */
  public String currentAccessToken() { return "access-" + issued.get(); }

  public int issuedCount() { return issued.get(); }

  /** True for an access token this server issued that has not expired or been expired: what Gmail would accept. */
  public boolean isValid(String accessToken) {
    java.time.Instant until = live.get(accessToken);
    return until != null && java.time.Instant.now().isBefore(until);
  }

  /** Every access token issued so far stops working (as if time passed on the provider's side). */
  public FakeOAuthServer expireAccessTokens() { live.clear(); return this; }

  /** The decoded forms posted to the token endpoint, in order. */
  public List<Map<String, String>> tokenRequests() { return List.copyOf(tokenRequests); }

  /** The query parameters of each consent request, in order. */
  public List<Map<String, String>> consentRequests() { return List.copyOf(consentRequests); }

  @Override public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private String base() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  private void consent(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> q = decode(ex.getRequestURI().getRawQuery());
      consentRequests.add(q);
      String redirect = q.get("redirect_uri");
      if (redirect == null || !"code".equals(q.get("response_type")) || !CLIENT_ID.equals(q.get("client_id"))) {
        send(ex, 400, "text/plain", "bad consent request");
        return;
      }
      String location;
      if (denyConsent) {
        location = redirect + "?error=access_denied&state=" + enc(q.get("state"));
      } else {
        String code = "code-" + System.nanoTime();
        codes.put(code, q);
        location = redirect + "?state=" + enc(q.get("state")) + "&code=" + enc(code) + "&scope=" + enc(q.get("scope"));
      }
      ex.getResponseHeaders().set("Location", location);
      ex.sendResponseHeaders(302, -1);
    }
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> form = decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      tokenRequests.add(form);
      Scripted s = script.poll();
      if (s != null && !s.delay().isZero()) sleep(s.delay());
      if (s != null && s.body() != null) {
        send(ex, s.status(), "application/json", s.body());
        return;
      }
      if (!"POST".equals(ex.getRequestMethod()) || !CLIENT_ID.equals(form.get("client_id"))
          || !CLIENT_SECRET.equals(form.get("client_secret"))) {
        send(ex, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}");
        return;
      }
      switch (String.valueOf(form.get("grant_type"))) {
        case "refresh_token" -> {
          if (revoked || !REFRESH_TOKEN.equals(form.get("refresh_token"))) {
            send(ex, 400, "application/json",
                "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
          } else {
            send(ex, 200, "application/json", accessTokenJson(null));
          }
        }
        case "authorization_code" -> {
          Map<String, String> consent = codes.remove(String.valueOf(form.get("code")));
          String verifier = form.get("code_verifier");
          if (consent == null || !consent.get("redirect_uri").equals(form.get("redirect_uri")) || verifier == null
              || !"S256".equals(consent.get("code_challenge_method"))
              || !s256(verifier).equals(consent.get("code_challenge"))) {
            send(ex, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}");
          } else {
            send(ex, 200, "application/json", accessTokenJson(grantedScope != null ? grantedScope : consent.get("scope")));
          }
        }
        default -> send(ex, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
      }
    }
  }

  private String accessTokenJson(String scopeOfCode) {
    String token = "access-" + issued.incrementAndGet();
    live.put(token, java.time.Instant.now().plusSeconds(expiresIn));
    StringBuilder json = new StringBuilder("{\"access_token\":\"").append(token).append("\",\"expires_in\":")
        .append(expiresIn).append(",\"token_type\":\"Bearer\"");
    if (scopeOfCode != null) {
      json.append(",\"scope\":\"").append(scopeOfCode).append("\",\"refresh_token\":\"").append(REFRESH_TOKEN).append('"');
    }
    return json.append('}').toString();
  }

  /** The S256 code challenge of a verifier (RFC 7636 §4.2). */
  public static String s256(String verifier) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decodes {@code a=1&b=2} (a query or a form body). */
  public static Map<String, String> decode(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String enc(String s) { return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8); }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.herald.mail.testkit;

import static org.junit.jupiter.api.Assertions.*;

import dev.herald.mail.testkit.testing.InboxMail;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web inbox's JSON API over real HTTP (java.net.http), fed by real SMTP sessions (Angus Mail's client). */
class WebInboxApiTest {
  private static final Pattern ID = Pattern.compile("\"ID\":\"([^\"]+)\"");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private MockSmtpServer smtp;
  private URI ui;

  @BeforeEach void start() {
    smtp = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.STARTTLS).user("app", "secret").build().start();
    ui = smtp.startUi(0);
  }

  @AfterEach void stop() { smtp.close(); }

  @Test void listsGetsRawAndParts() throws Exception {
    byte[] logo = InboxMail.png(16, 16, Color.BLUE);
    byte[] pdf = new byte[3000];
    new Random(7).nextBytes(pdf);
    InboxMail.message().subject("Ünïcode receipt").to("Bob <bob@example.net>").bcc("audit@example.net")
        .text("Plain words here").html("<p>Hi <img src=\"cid:logo@herald\"></p>").inline("logo@herald", "image/png", logo)
        .attach("rechnung ü.pdf", "application/pdf", pdf).sendTo(smtp, "app", "secret");
    InboxMail.message().subject("second").text("two").sendTo(smtp, "app", "secret");
    assertEquals(2, smtp.takeMessages(2, Duration.ofSeconds(5)).size());

    String list = get("api/v1/messages").body();
    assertTrue(list.startsWith("{\"total\":2,"), list);
    List<String> ids = ids(list);
    assertEquals(2, ids.size());
    assertTrue(list.indexOf("\"second\"") < list.indexOf("Ünïcode receipt"), "newest first: " + list);
    assertTrue(list.contains("\"Username\":\"app\",\"TLS\":true,\"TLSProtocol\":\"TLSv1.3\""), list);
    assertTrue(list.contains("\"Bcc\":[{\"Name\":\"\",\"Address\":\"audit@example.net\"}]"), "the envelope's Bcc: " + list);
    assertTrue(list.contains("\"Attachments\":1,\"Snippet\":\"Plain words here\""), list);
    assertEquals(ids.subList(1, 2), ids(get("api/v1/messages?start=1&limit=1").body()));

    String id = ids.get(1);
    String message = get("api/v1/message/" + id).body();
    assertTrue(message.contains("\"Subject\":\"Ünïcode receipt\""), message);
    assertTrue(message.contains("\"Text\":\"Plain words here\""), message);
    assertTrue(message.contains("\"HTML\":\"<p>Hi <img src=\\\"cid:logo@herald\\\"></p>\""), message);
    assertTrue(message.contains("\"Inline\":[{\"PartID\":\"1.2.2\",\"FileName\":\"\",\"ContentType\":\"image/png\",\"ContentID\":\"logo@herald\",\"Size\":" + logo.length + "}]"), message);
    assertTrue(message.contains("\"Attachments\":[{\"PartID\":\"2\",\"FileName\":\"rechnung ü.pdf\",\"ContentType\":\"application/pdf\",\"ContentID\":\"\",\"Size\":3000}]"), message);
    assertTrue(get("api/v1/message/latest").body().contains("\"Subject\":\"second\""));

    HttpResponse<byte[]> raw = getBytes("api/v1/message/" + id + "/raw");
    assertArrayEquals(smtp.messages().get(0).raw(), raw.body(), "raw is the message as received");
    assertEquals("text/plain; charset=utf-8", raw.headers().firstValue("Content-Type").orElseThrow());

    HttpResponse<byte[]> part = getBytes("api/v1/message/" + id + "/part/2");
    assertArrayEquals(pdf, part.body());
    assertEquals("application/pdf", part.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("attachment; filename=\"rechnung _.pdf\"; filename*=UTF-8''rechnung%20%C3%BC.pdf",
        part.headers().firstValue("Content-Disposition").orElseThrow());
    assertTrue(part.headers().firstValue("Content-Security-Policy").orElseThrow().contains("sandbox"));
    assertArrayEquals(logo, getBytes("api/v1/message/" + id + "/part/1.2.2").body());

    String headers = get("api/v1/message/" + id + "/headers").body();
    assertTrue(headers.contains("\"Subject\":[\"Ünïcode receipt\"]"), "decoded: " + headers);
    assertEquals(404, get("api/v1/message/" + id + "/part/9").statusCode());
    assertEquals(404, get("api/v1/message/nosuchid").statusCode());
  }

  @Test void startUiShowsWhatTheServerReceivedBeforeAndAfter() throws Exception {
    try (MockSmtpServer plain = MockSmtpServer.builder().tls(MockSmtpServer.TlsMode.NONE).build().start()) {
      InboxMail.message().subject("before").text("x").sendTo(plain);
      plain.takeMessage(Duration.ofSeconds(5));
      URI page = plain.startUi(0);
      assertEquals(page, plain.startUi(0), "started once");
      InboxMail.message().subject("after").text("y").sendTo(plain);
      plain.takeMessage(Duration.ofSeconds(5));
      String list = http.send(HttpRequest.newBuilder(page.resolve("api/v1/messages")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(list.startsWith("{\"total\":2,") && list.indexOf("\"after\"") < list.indexOf("\"before\""), list);
      assertTrue(list.contains("\"TLS\":false"), list);
      plain.close();
      assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()), "closed with the server");
    }
  }

  @Test void theHtmlViewPointsCidAtPartsUnderAPolicyThatRunsNothing() throws Exception {
    InboxMail.message().html("<img src=\"cid:a@b\"><script>alert(1)</script>").inline("a@b", "image/png", InboxMail.png(4, 4, Color.RED))
        .sendTo(smtp, "app", "secret");
    smtp.takeMessage(Duration.ofSeconds(5));
    String id = ids(get("api/v1/messages").body()).get(0);
    HttpResponse<String> view = get("view/" + id + ".html");
    assertTrue(view.body().startsWith("<img src=\"/api/v1/message/" + id + "/part/1.2\">"), view.body());
    String csp = view.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertTrue(csp.startsWith("default-src 'none'; img-src 'self' data:;"), csp);
    assertTrue(csp.contains("; sandbox;"), csp);
    assertFalse(csp.contains("script-src"), csp);
    assertTrue(get("view/" + id + ".html?remote=1").headers().firstValue("Content-Security-Policy").orElseThrow()
        .startsWith("default-src 'none'; img-src 'self' data: http: https:;"));
    HttpResponse<String> page = get("");
    assertTrue(page.body().contains("<title>Herald inbox</title>"));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self';"));
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
  }

  @Test void deletesSomeOrAll() throws Exception {
    for (int i = 0; i < 3; i++) InboxMail.message().subject("m" + i).text("x").sendTo(smtp, "app", "secret");
    smtp.takeMessages(3, Duration.ofSeconds(5));
    List<String> ids = ids(get("api/v1/messages").body());
    HttpResponse<String> one = send("DELETE", "api/v1/messages", "{\"IDs\":[\"" + ids.get(0) + "\",\"unknown\"]}");
    assertEquals(200, one.statusCode());
    assertEquals("{\"IDs\":[\"" + ids.get(0) + "\"]}", one.body());
    assertEquals(ids.subList(1, 3), ids(get("api/v1/messages").body()));
    assertEquals(400, send("DELETE", "api/v1/messages", "{\"IDs\":[1]}").statusCode());
    assertEquals(400, send("DELETE", "api/v1/messages", "not json").statusCode());
    assertEquals(2, ids(get("api/v1/messages").body()).size(), "a bad request deletes nothing");
    assertEquals(200, send("DELETE", "api/v1/messages", "").statusCode());
    assertTrue(get("api/v1/messages").body().startsWith("{\"total\":0,"));
    assertEquals(405, send("POST", "api/v1/messages", "").statusCode());
  }

  @Test void searches() throws Exception {
    InboxMail.message().from("Carol <carol@example.org>").subject("Invoice March").text("total 12 EUR").sendTo(smtp, "app", "secret");
    InboxMail.message().from("Dave <dave@example.org>").to("erin@example.net").subject("Lunch?").text("pizza at noon").sendTo(smtp, "app", "secret");
    smtp.takeMessages(2, Duration.ofSeconds(5));
    assertEquals(List.of("Invoice March"), subjects("from:carol"));
    assertEquals(List.of("Lunch?"), subjects("pizza"));
    assertEquals(List.of("Lunch?"), subjects("to:erin@example.net"));
    assertEquals(List.of("Invoice March"), subjects("subject:invoice"));
    assertEquals(List.of("Invoice March"), subjects("\"12 eur\""));
    assertEquals(List.of("Lunch?"), subjects("-invoice"));
    assertEquals(List.of(), subjects("carol pizza"));
    assertEquals(List.of("Lunch?", "Invoice March"), subjects(""));
  }

  @Test void refusesOtherHostsAndCrossSiteChanges() throws Exception {
    // java.net.http will not set Host: a raw request, as a browser sends it after DNS rebinding.
    try (java.net.Socket s = new java.net.Socket(ui.getHost(), ui.getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET /api/v1/messages HTTP/1.1\r\nHost: evil.example:8025\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 403 Forbidden", status, "a page of another site reaching 127.0.0.1 by its own name");
    }
    HttpResponse<String> cross = http.send(HttpRequest.newBuilder(ui.resolve("api/v1/messages")).header("Origin", "http://evil.example")
        .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, cross.statusCode());
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ui.getPort() + "/api/v1/messages")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(400, get("api/v1/messages?limit=x").statusCode());
  }

  @Test void streamsNewMessagesAndDeletions() throws Exception {
    HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(ui.resolve("api/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElseThrow());
    try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertEquals("retry: 2000", r.readLine());
      InboxMail.message().subject("live one").text("x").sendTo(smtp, "app", "secret");
      String line;
      while ((line = r.readLine()) != null && !line.startsWith("event:")) { }
      assertEquals("event: new", line);
      String data = r.readLine();
      assertTrue(data.startsWith("data: {\"ID\":\"") && data.contains("\"Subject\":\"live one\""), data);
      String id = ids(data).get(0);
      send("DELETE", "api/v1/messages", "");
      while ((line = r.readLine()) != null && !line.startsWith("event:")) { }
      assertEquals("event: delete", line);
      assertEquals("data: {\"IDs\":[\"" + id + "\"]}", r.readLine());
    }
  }

  private List<String> subjects(String query) throws Exception {
    String body = get("api/v1/search?query=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"Subject\":\"([^\"]*)\"").matcher(body);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  private static List<String> ids(String json) {
    List<String> out = new ArrayList<>();
    Matcher m = ID.matcher(json);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(ui.resolve(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(ui.resolve(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(ui.resolve(path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

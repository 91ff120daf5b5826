package dev.herald.mail.testkit.internal.inbox;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The inbox's HTTP side on a store filled directly (WebInboxApiTest covers it fed over SMTP). */
class InboxServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test void listsAThousandMessages() throws Exception {
    InboxStore store = InboxStore.inMemory(1000);
    for (int i = 0; i < 1000; i++) {
      byte[] raw = ("From: Shop <shop@example.org>\r\nTo: bob@example.net\r\nSubject: bulk " + i + "\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
          + "A line of text that a receipt might hold, repeated. ".repeat(20) + "\r\n--b\r\nContent-Type: text/html\r\n\r\n"
          + "<p>html</p>\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
      store.add(raw, new StoredMessage.Arrival(Instant.now(), List.of("bob@example.net"), true, "TLSv1.3", "app"));
    }
    try (InboxServer server = InboxServer.start(store, InetAddress.getLoopbackAddress(), 0, Duration.ofSeconds(15))) {
      List<Double> times = new ArrayList<>();
      HttpResponse<String> r = null;
      for (int i = 0; i < 7; i++) {
        r = http.send(HttpRequest.newBuilder(server.url().resolve("api/v1/messages?limit=1000")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher t = Pattern.compile("app;dur=([0-9.]+)").matcher(r.headers().firstValue("Server-Timing").orElseThrow());
        assertTrue(t.matches());
        times.add(Double.parseDouble(t.group(1)));
      }
      List<String> subjects = subjects(r.body());
      assertEquals(1000, subjects.size());
      assertEquals("bulk 999", subjects.get(0), "newest first");
      assertEquals("bulk 0", subjects.get(999));
      List<Double> sorted = new ArrayList<>(times);
      sorted.sort(null);
      // A figure for the report, not a timed assertion: server time from request to bytes, 7 runs.
      System.out.printf("web inbox: listing 1,000 messages took %.1f ms of server time (median of 7; first %.1f ms, %d bytes)%n",
          sorted.get(3), times.get(0), r.body().length());
    }
  }

  @Test void aPageThatWentAwayIsDroppedFromTheEventStream() throws Exception {
    InboxStore store = InboxStore.inMemory(5);
    try (InboxServer server = InboxServer.start(store, InetAddress.getLoopbackAddress(), 0, Duration.ofMillis(100))) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(server.url().resolve("api/events")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      byte[] first = r.body().readNBytes(13);
      assertEquals("retry: 2000\n:", new String(first, StandardCharsets.US_ASCII));
      assertEquals(1, server.eventClients());
      r.body().close(); // the page goes away
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.eventClients() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
      assertEquals(0, server.eventClients(), "dropped at a keep-alive that could not be written");
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/messages")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  private static List<String> subjects(String json) throws Exception {
    List<String> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        if (t == JsonToken.FIELD_NAME && p.currentName().equals("Subject")) out.add(p.nextTextValue());
      }
    }
    return out;
  }
}

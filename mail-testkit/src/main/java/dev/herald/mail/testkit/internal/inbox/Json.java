package dev.herald.mail.testkit.internal.inbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.mail.testkit.internal.inbox.ParsedMessage.Addr;
import dev.herald.mail.testkit.internal.inbox.ParsedMessage.PartInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON of the inbox API, in Mailpit's shapes (its field names, PascalCase), written with jackson-core. */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() { }

  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Mailpit's MessagesSummary: {@code total}, {@code count}, {@code start}, {@code messages}… */
  static byte[] summaries(List<StoredMessage> page, int total, int start) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("total", total);
      g.writeNumberField("unread", 0);
      g.writeNumberField("count", page.size());
      g.writeNumberField("messages_count", total);
      g.writeNumberField("messages_unread", 0);
      g.writeNumberField("start", start);
      g.writeArrayFieldStart("tags");
      g.writeEndArray();
      g.writeArrayFieldStart("messages");
      for (StoredMessage m : page) summary(g, m);
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  static void summary(JsonGenerator g, StoredMessage m) throws IOException {
    g.writeStartObject();
    common(g, m);
    g.writeBooleanField("Read", false);
    g.writeStringField("Created", DateTimeFormatter.ISO_INSTANT.format(m.arrival().at().truncatedTo(ChronoUnit.MILLIS)));
    g.writeNumberField("Attachments", m.attachmentCount());
    g.writeStringField("Snippet", m.snippet());
    g.writeEndObject();
  }

  /** Mailpit's Message: the summary's addresses plus {@code Text}, {@code HTML}, {@code Inline}, {@code Attachments}. */
  static byte[] message(StoredMessage m, ParsedMessage p) {
    return write(g -> {
      g.writeStartObject();
      common(g, m);
      g.writeStringField("Date", DateTimeFormatter.ISO_INSTANT.format(m.arrival().at().truncatedTo(ChronoUnit.MILLIS)));
      g.writeStringField("Text", p.text().orElse(""));
      g.writeStringField("HTML", p.html().orElse(""));
      parts(g, "Inline", p.inline());
      parts(g, "Attachments", p.attachments());
      g.writeEndObject();
    });
  }

  /** Mailpit's message headers: each name with its values in order. */
  static byte[] headers(Map<String, List<String>> headers) {
    return write(g -> {
      g.writeStartObject();
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String v : e.getValue()) g.writeString(v);
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  static byte[] ids(List<String> ids) {
    return write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("IDs");
      for (String id : ids) g.writeString(id);
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  static byte[] error(String message) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("Error", message);
      g.writeEndObject();
    });
  }

  /**
   * The {@code IDs} of a delete request: {@code {"IDs":["…"]}}; null for an empty body or no {@code IDs}
   * (delete all, as in Mailpit).
   *
   * @throws IllegalArgumentException when the body is not such an object
   */
  static List<String> parseIds(byte[] body) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return null;
    List<String> ids = null;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("expected a JSON object such as {\"IDs\":[\"…\"]}");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (!"IDs".equals(name)) {
          p.skipChildren();
          continue;
        }
        if (t != JsonToken.START_ARRAY) throw new IllegalArgumentException("\"IDs\" must be an array of strings");
        ids = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_STRING) throw new IllegalArgumentException("\"IDs\" must be an array of strings");
          ids.add(p.getText());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    return ids;
  }

  private static void common(JsonGenerator g, StoredMessage m) throws IOException {
    g.writeStringField("ID", m.id());
    g.writeStringField("MessageID", m.messageId());
    g.writeFieldName("From");
    addr(g, m.from());
    addrs(g, "To", m.to());
    addrs(g, "Cc", m.cc());
    addrs(g, "Bcc", m.bcc());
    addrs(g, "ReplyTo", m.replyTo());
    g.writeStringField("Subject", m.subject());
    g.writeArrayFieldStart("Tags");
    g.writeEndArray();
    g.writeNumberField("Size", m.size());
    // Herald's additions: how the message arrived (Mailpit has Username; TLS is ours).
    g.writeStringField("Username", m.arrival().authUser() == null ? "" : m.arrival().authUser());
    g.writeBooleanField("TLS", m.arrival().tls());
    g.writeStringField("TLSProtocol", m.arrival().tlsProtocol() == null ? "" : m.arrival().tlsProtocol());
  }

  private static void addrs(JsonGenerator g, String field, List<Addr> list) throws IOException {
    g.writeArrayFieldStart(field);
    for (Addr a : list) addr(g, a);
    g.writeEndArray();
  }

  private static void addr(JsonGenerator g, Addr a) throws IOException {
    g.writeStartObject();
    g.writeStringField("Name", a.name());
    g.writeStringField("Address", a.address());
    g.writeEndObject();
  }

  private static void parts(JsonGenerator g, String field, List<PartInfo> parts) throws IOException {
    g.writeArrayFieldStart(field);
    for (PartInfo p : parts) {
      g.writeStartObject();
      g.writeStringField("PartID", p.partId());
      g.writeStringField("FileName", p.fileName());
      g.writeStringField("ContentType", p.contentType());
      g.writeStringField("ContentID", p.contentId());
      g.writeNumberField("Size", p.size());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}

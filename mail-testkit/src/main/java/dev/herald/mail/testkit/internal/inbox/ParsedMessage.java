package dev.herald.mail.testkit.internal.inbox;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A received message taken apart for display: headers, the text and HTML bodies, and its other leaf
 * parts (inline and attached) numbered as IMAP numbers sections ({@code 1}, {@code 2.1}, …).
 * Never throws on a malformed message: what cannot be read is left out.
 */
public final class ParsedMessage {
  private static final Session SESSION;

  static {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", "true");
    p.setProperty("mail.mime.address.strict", "false");
    SESSION = Session.getInstance(p);
  }

  /** An address as Mailpit shows one. */
  public record Addr(String name, String address) { }

  /** A leaf part that is not the text or HTML body. */
  public record PartInfo(String partId, String fileName, String contentType, String contentId, boolean inline, int size) { }

  private final MimeMessage mime;
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private String text;
  private String html;
  private final List<PartInfo> inline = new ArrayList<>();
  private final List<PartInfo> attachments = new ArrayList<>();
  private final Map<String, Part> parts = new LinkedHashMap<>();

  private ParsedMessage(MimeMessage mime) {
    this.mime = mime;
  }

  /** Parses {@code raw}; a part that cannot be decoded is listed with size 0 or skipped. */
  public static ParsedMessage parse(byte[] raw) {
    MimeMessage m;
    try {
      m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new IllegalArgumentException("not a message: " + e.getMessage(), e);
    }
    ParsedMessage p = new ParsedMessage(m);
    p.readHeaders();
    p.walk(m, "");
    return p;
  }

  /** Every header in order of first appearance, values unfolded and RFC 2047-decoded. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach((k, v) -> out.put(k, v.stream().map(ParsedMessage::decode).toList()));
    return out;
  }

  public Optional<String> text() { return Optional.ofNullable(text); }

  public Optional<String> html() { return Optional.ofNullable(html); }

  public List<PartInfo> inline() { return inline; }

  public List<PartInfo> attachments() { return attachments; }

  /** The first value of a header, unfolded and RFC 2047-decoded; {@code ""} when absent. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return decode(e.getValue().get(0));
    }
    return "";
  }

  /** The addresses in a header (From, To, Cc…); a value that does not parse is kept whole as the address. */
  public List<Addr> addresses(String headerName) {
    List<Addr> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (!e.getKey().equalsIgnoreCase(headerName)) continue;
      for (String v : e.getValue()) {
        try {
          for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
            out.add(new Addr(a.getPersonal() == null ? "" : a.getPersonal(), a.getAddress() == null ? "" : a.getAddress()));
          }
        } catch (AddressException ex) {
          out.add(new Addr("", decode(v)));
        }
      }
    }
    return out;
  }

  /** The decoded content of the part numbered {@code partId}, with its content type. */
  public Optional<PartContent> part(String partId) {
    Part p = parts.get(partId);
    if (p == null) return Optional.empty();
    PartInfo info = findInfo(partId);
    try (InputStream in = p.getInputStream()) {
      return Optional.of(new PartContent(info, in.readAllBytes()));
    } catch (IOException | MessagingException e) {
      return Optional.empty();
    }
  }

  /** The bytes of a part and what is known about it. */
  public record PartContent(PartInfo info, byte[] bytes) { }

  /** The part id of the inline or attached part with this Content-ID (without angle brackets). */
  public Optional<String> partIdForContentId(String contentId) {
    for (PartInfo i : inline) if (contentId.equals(i.contentId())) return Optional.of(i.partId());
    for (PartInfo i : attachments) if (contentId.equals(i.contentId())) return Optional.of(i.partId());
    return Optional.empty();
  }

  private PartInfo findInfo(String partId) {
    for (PartInfo i : inline) if (i.partId().equals(partId)) return i;
    for (PartInfo i : attachments) if (i.partId().equals(partId)) return i;
    return null;
  }

  private void readHeaders() {
    try {
      for (Enumeration<Header> en = mime.getAllHeaders(); en.hasMoreElements(); ) {
        Header h = en.nextElement();
        headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(MimeUtility.unfold(h.getValue()).strip());
      }
    } catch (MessagingException e) {
      // headers that cannot be read are left out
    }
  }

  private void walk(Part p, String id) {
    try {
      if (p.isMimeType("multipart/*")) {
        // Straight to the parser: getContent() looks the type up through jakarta.activation each time.
        Object content = p instanceof MimePart part ? new MimeMultipart(new MimePartDataSource(part)) : p.getContent();
        if (content instanceof Multipart mp) {
          for (int i = 0; i < mp.getCount(); i++) walk(mp.getBodyPart(i), id.isEmpty() ? String.valueOf(i + 1) : id + "." + (i + 1));
          return;
        }
      }
      String partId = id.isEmpty() ? "1" : id;
      String disposition = p.getDisposition();
      String fileName = fileName(p);
      boolean attached = Part.ATTACHMENT.equalsIgnoreCase(disposition);
      if (!attached && fileName == null && text == null && p.isMimeType("text/plain")) {
        text = decodeText(p);
        return;
      }
      if (!attached && fileName == null && html == null && p.isMimeType("text/html")) {
        html = decodeText(p);
        return;
      }
      String contentId = contentId(p);
      boolean isInline = !attached && (contentId != null || Part.INLINE.equalsIgnoreCase(disposition));
      PartInfo info = new PartInfo(partId, fileName == null ? "" : fileName, baseType(p), contentId == null ? "" : contentId,
          isInline, decodedSize(p));
      (isInline ? inline : attachments).add(info);
      parts.put(partId, p);
    } catch (MessagingException | IOException | RuntimeException e) {
      // an unreadable part is skipped; the raw source still shows it
    }
  }

  private static String fileName(Part p) {
    try {
      String f = p.getFileName();
      if (f == null) return null;
      return MimeUtility.decodeText(f);
    } catch (MessagingException | IOException | RuntimeException e) {
      return null;
    }
  }

  private static String contentId(Part p) throws MessagingException {
    String[] v = p.getHeader("Content-ID");
    if (v == null || v.length == 0) return null;
    String id = v[0].strip();
    if (id.startsWith("<") && id.endsWith(">")) id = id.substring(1, id.length() - 1);
    return id.isEmpty() ? null : id;
  }

  private static String baseType(Part p) {
    try {
      return new ContentType(p.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return "application/octet-stream";
    }
  }

  private static int decodedSize(Part p) {
    try (InputStream in = p.getInputStream()) {
      return (int) Math.min(Integer.MAX_VALUE, in.transferTo(java.io.OutputStream.nullOutputStream()));
    } catch (IOException | MessagingException e) {
      return 0;
    }
  }

  /** Decodes a text part by its charset; an unknown charset falls back to UTF-8 rather than failing. */
  private static String decodeText(Part p) throws MessagingException, IOException {
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    Charset cs = StandardCharsets.UTF_8;
    try {
      String name = new ContentType(p.getContentType()).getParameter("charset");
      if (name != null) cs = Charset.forName(MimeUtility.javaCharset(name));
    } catch (RuntimeException | MessagingException e) {
      // unknown or malformed charset: UTF-8
    }
    return new String(bytes, cs);
  }

  private static String decode(String v) {
    try {
      return MimeUtility.decodeText(v);
    } catch (IOException | RuntimeException e) {
      return v;
    }
  }
}

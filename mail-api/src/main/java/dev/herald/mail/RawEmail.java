package dev.herald.mail;

import dev.herald.mail.internal.MimeRenderer;
import dev.herald.mail.internal.RawMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A raw RFC 5322 message as a program or a file hands it over (the {@code sendmail} path, a stored
 * {@code .eml} to forward): its recipients read from To, Cc and Bcc, the header fields it lacks
 * added, and its Bcc fields never sent. Every byte other than those fields is sent as given; line
 * endings may be LF or CRLF (the transport sends CRLF).
 *
 * <pre>{@code
 * RawEmail raw = RawEmail.read(Files.newInputStream(Path.of("saved.eml")), 10 << 20);
 * mailer.send(raw);   // envelope from the mailer's from (else the From field) and To/Cc/Bcc
 * }</pre>
 *
 * <p>A bare CR in the header section is read as the line break the wire makes of it: otherwise
 * {@code X-Foo: a\rBcc: x} would hide a Bcc from the parser and send it to every recipient.
 * Instances are immutable.
 */
public final class RawEmail {
  private static final List<String> BLIND = List.of("Bcc", "Resent-Bcc");

  private record Field(String name, int start, int end) { }

  private final byte[] raw;
  private final List<Field> fields = new ArrayList<>();

  private RawEmail(byte[] raw) {
    this.raw = raw;
    int pos = 0;
    Field current = null;
    while (pos < raw.length) {
      int eol = pos;
      while (eol < raw.length && raw[eol] != '\n') eol++;
      int next = Math.min(eol + 1, raw.length);
      int contentEnd = eol > pos && raw[eol - 1] == '\r' ? eol - 1 : eol;
      if (contentEnd == pos) break; // the blank line: the body follows
      boolean continuation = raw[pos] == ' ' || raw[pos] == '\t';
      if (continuation && current != null) {
        current = new Field(current.name(), current.start(), next);
        fields.set(fields.size() - 1, current);
      } else {
        int colon = pos;
        while (colon < contentEnd && raw[colon] != ':') colon++;
        if (colon == contentEnd) break; // not a header line: the message has no (more) headers
        current = new Field(new String(raw, pos, colon - pos, StandardCharsets.ISO_8859_1).strip(), pos, next);
        fields.add(current);
      }
      pos = next;
    }
  }

  /**
   * The message {@code in} holds, read to its end (a lone {@code .} line does not end it), at most
   * {@code limit} bytes; the stream is not closed.
   *
   * @throws InvalidMessageException when it is empty or larger than {@code limit}
   * @throws LocalIoException when it cannot be read
   */
  public static RawEmail read(InputStream in, long limit) {
    byte[] b;
    try {
      b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit) + 1);
    } catch (IOException e) {
      throw new LocalIoException("cannot read the message: " + e.getMessage(), e);
    }
    if (b.length > limit) throw new InvalidMessageException("the message is larger than the limit of " + limit + " bytes");
    return parse(b);
  }

  /**
   * The message in {@code message} (not copied: do not change it afterwards).
   *
   * @throws InvalidMessageException when it is empty
   */
  public static RawEmail parse(byte[] message) {
    if (message.length == 0) throw new InvalidMessageException("the message is empty");
    return new RawEmail(bareCrAsLineBreak(message));
  }

  /** Whether the header section has a field of that name (case-insensitive). */
  public boolean has(String name) {
    for (Field f : fields) if (f.name().equalsIgnoreCase(name)) return true;
    return false;
  }

  /** Every value of the named field, unfolded and stripped, as UTF-8 text; empty when there is none. */
  public List<String> values(String name) {
    List<String> out = new ArrayList<>();
    for (Field f : fields) {
      if (!f.name().equalsIgnoreCase(name)) continue;
      String text = new String(raw, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
      out.add(text.substring(text.indexOf(':') + 1).replaceAll("\r?\n(?=[ \t])", "").strip());
    }
    return out;
  }

  /**
   * The addresses of To, Cc and Bcc in that order; groups ({@code team: a@x, b@y;}) and comments are
   * allowed. Resent-* fields are not read (a resend names its recipients in its envelope).
   *
   * @throws InvalidMessageException when a field holds something that is not an address
   */
  public List<String> recipients() {
    return recipients(list -> Address.parseList(list).stream().map(Address::address).toList());
  }

  /**
   * {@link #recipients()} with each field's list (group names and comments already removed) read by
   * {@code listReader}: for a caller that takes more than addresses, such as sendmail's bare local
   * user names ({@code root}) that its configuration turns into addresses.
   */
  public List<String> recipients(Function<String, List<String>> listReader) {
    List<String> out = new ArrayList<>();
    for (String name : List.of("To", "Cc", "Bcc")) {
      for (String value : values(name)) out.addAll(listReader.apply(plainList(value)));
    }
    return out;
  }

  /** The first address of the From field, if there is one that parses. */
  public Optional<Address> from() {
    for (String v : values("From")) {
      try {
        List<Address> list = Address.parseList(plainList(v));
        if (!list.isEmpty()) return Optional.of(list.get(0));
      } catch (RuntimeException ignored) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * This message with the fields it must have and lacks put first: {@code From: from} (when it has
   * no From and {@code from} is not null; a display name is encoded as RFC 2047 needs), {@code Date}
   * (now) and {@code Message-ID} (at the domain of its From, else of {@code from}, else
   * {@code localhost}). This message itself when it lacks none.
   */
  public RawEmail completed(Address from) {
    List<String> lines = new ArrayList<>();
    Address author = from().orElse(null);
    if (!has("From") && from != null) {
      author = from;
      lines.add("From: " + fromField(from));
    }
    if (!has("Date")) lines.add("Date: " + MimeRenderer.dateNow());
    if (!has("Message-ID")) {
      Address domainOf = author != null ? author : from;
      lines.add("Message-ID: " + MimeRenderer.newMessageId(domainOf != null ? domainOf : Address.parse("herald@localhost")));
    }
    if (lines.isEmpty()) return this;
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 128);
    for (String line : lines) out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(raw);
    return new RawEmail(out.toByteArray());
  }

  /**
   * The message to send: every Bcc and Resent-Bcc field (with its continuation lines) removed, the
   * rest as given, line endings made CRLF.
   */
  public MessageContent content() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int pos = 0;
    for (Field f : fields) {
      if (BLIND.stream().anyMatch(b -> b.equalsIgnoreCase(f.name()))) {
        out.write(raw, pos, f.start() - pos);
        pos = f.end();
      }
    }
    if (pos == 0) return RawMessage.of(raw);
    out.write(raw, pos, raw.length - pos);
    return RawMessage.of(out.toByteArray());
  }

  /** Every bare CR of the header section made an LF; the body is left as is. */
  private static byte[] bareCrAsLineBreak(byte[] raw) {
    boolean lineStart = true;
    byte[] out = null;
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      boolean crlf = b == '\r' && i + 1 < raw.length && raw[i + 1] == '\n';
      if (b == '\r' && !crlf) {
        if (out == null) out = raw.clone();
        out[i] = '\n';
        b = '\n';
      }
      if (b == '\n' || crlf) {
        if (lineStart) break; // the blank line: the body follows
        if (crlf) i++;
        lineStart = true;
      } else {
        lineStart = false;
      }
    }
    return out == null ? raw : out;
  }

  private static String fromField(Address a) {
    if (a.displayName() == null) return a.address();
    try {
      String name = jakarta.mail.internet.MimeUtility.encodeWord(a.displayName(), "UTF-8", "Q");
      boolean plain = name.equals(a.displayName()) && a.displayName().matches("[A-Za-z0-9 !#$%&'*+/=?^_`{|}~.-]*");
      return (plain ? name : name.equals(a.displayName()) ? "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : name)
          + " <" + a.address() + ">";
    } catch (java.io.UnsupportedEncodingException e) {
      return a.address();
    }
  }

  /**
   * An address list without group names, group ends and comments, for {@link Address#parseList}:
   * {@code "team: a@x (Ann), b@y;"} becomes {@code " a@x , b@y,"}.
   */
  static String plainList(String value) {
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    int angle = 0, comment = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        sb.append(c);
        if (c == '\\' && i + 1 < value.length()) sb.append(value.charAt(++i));
        else if (c == '"') quoted = false;
        continue;
      }
      if (comment > 0) {
        if (c == '\\') i++;
        else if (c == '(') comment++;
        else if (c == ')') comment--;
        continue;
      }
      switch (c) {
        case '"' -> { quoted = true; sb.append(c); }
        case '(' -> comment++;
        case '<' -> { angle++; sb.append(c); }
        case '>' -> { angle = Math.max(0, angle - 1); sb.append(c); }
        case ':' -> { if (angle == 0) sb.setLength(sb.lastIndexOf(",") + 1); else sb.append(c); } // drop a group's name
        case ';' -> { if (angle == 0) sb.append(','); else sb.append(c); }
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}

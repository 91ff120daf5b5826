package dev.herald.mail.cli;

import dev.herald.mail.Address;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header section of a raw message as sendmail's callers hand it over: finds fields, lists the
 * addresses of To/Cc/Bcc (groups and comments allowed), drops fields (Bcc) and prepends new ones,
 * leaving every other byte as it was. Line endings may be LF or CRLF.
 */
final class RawHeaders {
  private record Field(String name, int start, int end) { }

  private final byte[] raw;
  private final List<Field> fields = new ArrayList<>();

  private RawHeaders(byte[] raw) {
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

  static RawHeaders of(byte[] raw) { return new RawHeaders(raw); }

  /**
   * The message with every bare CR of its header section made a line break (LF). A bare CR is no
   * line ending to a parser that splits on LF, but the wire's canonical form makes it CRLF: read one
   * way and sent the other, {@code X-Foo: a\rBcc: x} hid a Bcc from the parser and sent it to every
   * recipient. Like every SMTP server that takes one, we read it as the line break it will become.
   * The body is left as is (the transport makes its line endings CRLF).
   */
  static byte[] bareCrAsLineBreak(byte[] raw) {
    int i = 0;
    boolean lineStart = true;
    byte[] out = null;
    for (; i < raw.length; i++) {
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

  boolean has(String name) { return fields.stream().anyMatch(f -> f.name().equalsIgnoreCase(name)); }

  /** Every value of the field, unfolded, as UTF-8 text. */
  List<String> values(String name) {
    List<String> out = new ArrayList<>();
    for (Field f : fields) {
      if (!f.name().equalsIgnoreCase(name)) continue;
      String text = new String(raw, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
      text = text.substring(text.indexOf(':') + 1).replaceAll("\r?\n(?=[ \t])", "").strip();
      out.add(text);
    }
    return out;
  }

  /** The addresses in the named fields; groups ({@code team: a@x, b@y;}) and comments are allowed. */
  List<String> addresses(String... names) {
    return addresses(list -> Address.parseList(list).stream().map(Address::address).toList(), names);
  }

  /**
   * The addresses in the named fields, each field's list (groups and comments removed) read by
   * {@code list}: sendmail mode's reads bare user names too ({@link LocalRecipients#addresses}).
   */
  List<String> addresses(java.util.function.Function<String, List<String>> list, String... names) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      for (String value : values(name)) out.addAll(list.apply(plainList(value)));
    }
    return out;
  }

  /** The first address of the From field, if there is one that parses. */
  Optional<Address> from() {
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

  /** The message with the named fields removed and {@code prepend} lines put first. */
  byte[] rewrite(List<String> remove, List<String> prepend) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 256);
    for (String line : prepend) out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    int pos = 0;
    for (Field f : fields) {
      if (remove.stream().anyMatch(r -> r.equalsIgnoreCase(f.name()))) {
        out.write(raw, pos, f.start() - pos);
        pos = f.end();
      }
    }
    out.write(raw, pos, raw.length - pos);
    return out.toByteArray();
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

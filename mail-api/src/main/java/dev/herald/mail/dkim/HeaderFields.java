package dev.herald.mail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The header fields of a message, in order, and their RFC 6376 3.4.1/3.4.2 canonical forms. */
final class HeaderFields {

  /** One field: its name in lower case and its octets, continuation lines and final CRLF included. */
  record Field(String name, byte[] raw) { }

  private HeaderFields() {}

  /** Splits a header section (CRLF line endings) into fields; a line starting with WSP continues the field before it. */
  static List<Field> parse(byte[] header) {
    List<Field> fields = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < header.length) {
      int eol = i;
      while (eol + 1 < header.length && !(header[eol] == '\r' && header[eol + 1] == '\n')) eol++;
      int next = Math.min(eol + 2, header.length);
      boolean continues = next < header.length && (header[next] == ' ' || header[next] == '\t');
      if (!continues) {
        fields.add(field(header, start, next));
        start = next;
      }
      i = next;
    }
    return fields;
  }

  private static Field field(byte[] h, int from, int to) {
    int colon = from;
    while (colon < to && h[colon] != ':') colon++;
    String name = new String(h, from, colon - from, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
    byte[] raw = java.util.Arrays.copyOfRange(h, from, to);
    return new Field(name, raw);
  }

  /**
   * Appends the field in canonical form. Relaxed: name in lower case, folding undone, whitespace
   * runs made one space and trimmed around the value; simple: as is.
   */
  static void canonical(byte[] raw, Canonicalization c, boolean withCrlf, ByteArrayOutputStream out) {
    int end = raw.length;
    if (c == Canonicalization.SIMPLE) {
      out.write(raw, 0, end);
      return;
    }
    if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n') end -= 2;
    int colon = 0;
    while (colon < end && raw[colon] != ':') colon++;
    int nameEnd = colon;
    while (nameEnd > 0 && (raw[nameEnd - 1] == ' ' || raw[nameEnd - 1] == '\t')) nameEnd--;
    for (int i = 0; i < nameEnd; i++) {
      byte b = raw[i];
      out.write(b >= 'A' && b <= 'Z' ? b + 32 : b);
    }
    out.write(':');
    boolean started = false;
    boolean space = false;
    for (int i = colon + 1; i < end; i++) {
      byte b = raw[i];
      if (b == '\r' || b == '\n') continue;
      if (b == ' ' || b == '\t') {
        space = started;
        continue;
      }
      if (space) out.write(' ');
      space = false;
      started = true;
      out.write(b);
    }
    if (withCrlf) {
      out.write('\r');
      out.write('\n');
    }
  }
}

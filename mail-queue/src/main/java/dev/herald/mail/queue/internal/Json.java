package dev.herald.mail.queue.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spool's entry headers, read and written by hand: a general-purpose parser costs a
 * millisecond per message here, more than sending it. RFC 8259 JSON: objects, arrays, strings,
 * numbers, {@code true}, {@code false}, {@code null}; objects keep their key order.
 */
public final class Json {
  private final String s;
  private int i;

  private Json(String s) { this.s = s; }

  /** Parses a document; objects become {@code Map<String, Object>}, arrays {@code List<Object>}, numbers {@code Long} or {@code Double}. */
  public static Object parse(String text) {
    Json j = new Json(text);
    Object v = j.value();
    j.space();
    if (j.i != text.length()) throw j.error("trailing characters");
    return v;
  }

  private Object value() {
    space();
    if (i >= s.length()) throw error("unexpected end");
    char c = s.charAt(i);
    switch (c) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case 't': return literal("true", Boolean.TRUE);
      case 'f': return literal("false", Boolean.FALSE);
      case 'n': return literal("null", null);
      default: return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    space();
    if (peek() == '}') { i++; return m; }
    while (true) {
      space();
      if (peek() != '"') throw error("expected a key");
      String key = string();
      space();
      if (peek() != ':') throw error("expected ':'");
      i++;
      m.put(key, value());
      space();
      char c = next();
      if (c == '}') return m;
      if (c != ',') throw error("expected ',' or '}'");
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    i++;
    space();
    if (peek() == ']') { i++; return l; }
    while (true) {
      l.add(value());
      space();
      char c = next();
      if (c == ']') return l;
      if (c != ',') throw error("expected ',' or ']'");
    }
  }

  private String string() {
    i++; // the opening quote
    StringBuilder b = null;
    int start = i;
    while (true) {
      if (i >= s.length()) throw error("unterminated string");
      char c = s.charAt(i);
      if (c == '"') {
        String out = b == null ? s.substring(start, i) : b.append(s, start, i).toString();
        i++;
        return out;
      }
      if (c == '\\') {
        if (b == null) b = new StringBuilder();
        b.append(s, start, i);
        char e = s.charAt(i + 1);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> { b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16)); i += 4; }
          default -> throw error("bad escape");
        }
        i += 2;
        start = i;
        continue;
      }
      i++;
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) throw error("expected " + word);
    i += word.length();
    return v;
  }

  private Object number() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
    String n = s.substring(start, i);
    if (n.isEmpty()) throw error("unexpected character");
    try {
      return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.valueOf(n) : (Object) Long.valueOf(n);
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private void space() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
  }

  private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

  private char next() {
    if (i >= s.length()) throw error("unexpected end");
    return s.charAt(i++);
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not valid JSON at offset " + i + ": " + what);
  }

  /** Writes maps, lists, strings, numbers, booleans and null as indented JSON (one key per line). */
  public static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, "");
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v, String indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String str) {
      quote(b, str);
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) { b.append("{}"); return; }
      b.append("{\n");
      String inner = indent + "  ";
      int k = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(inner);
        quote(b, String.valueOf(e.getKey()));
        b.append(": ");
        write(b, e.getValue(), inner);
        b.append(++k < m.size() ? ",\n" : "\n");
      }
      b.append(indent).append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) { b.append("[]"); return; }
      b.append("[\n");
      String inner = indent + "  ";
      for (int k = 0; k < l.size(); k++) {
        b.append(inner);
        write(b, l.get(k), inner);
        b.append(k + 1 < l.size() ? ",\n" : "\n");
      }
      b.append(indent).append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}

package dev.herald.mail.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads fields from an RFC 5322 header section (unfolded), without a MIME parser. */
public final class Headers {
  private Headers() {}

  /** The first value of the named field, unfolded and trimmed. */
  public static Optional<String> find(String headerSection, String name) {
    List<String> all = findAll(headerSection, name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** Every value of the named field, unfolded and trimmed, in order. */
  public static List<String> findAll(String headerSection, String name) {
    List<String> out = new ArrayList<>();
    String[] lines = headerSection.split("\r\n|\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) break;
      int colon = line.indexOf(':');
      if (colon <= 0 || !line.substring(0, colon).trim().equalsIgnoreCase(name)) continue;
      StringBuilder value = new StringBuilder(line.substring(colon + 1));
      while (i + 1 < lines.length && !lines[i + 1].isEmpty()
          && (lines[i + 1].charAt(0) == ' ' || lines[i + 1].charAt(0) == '\t')) {
        value.append(lines[++i]);
      }
      out.add(value.toString().trim());
    }
    return out;
  }
}

package dev.herald.mail.merge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One record of the data: its fields by name. Values are strings for CSV; for JSON lines also numbers,
 * booleans, lists and objects (for Mustache sections). A JSON {@code null} is left out, so it counts as missing.
 *
 * @param number the record's place in the data, from 1 (the CSV header is not a row)
 * @param fields the values by column or key name, in the data's order
 * @param defect why the record cannot be used as read (a CSV row with the wrong number of fields, a line
 *     that is not a JSON object), or null
 */
public record Row(int number, Map<String, Object> fields, String defect) {
  public Row {
    if (number < 1) throw new IllegalArgumentException("rows are numbered from 1");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A record read whole. */
  public static Row of(int number, Map<String, Object> fields) { return new Row(number, fields, null); }
}

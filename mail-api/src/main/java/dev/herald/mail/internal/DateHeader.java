package dev.herald.mail.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The Date header's value as {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes it, but for UTC
 * {@code +0000} where the JDK writes {@code GMT}: RFC 5322 (4.3) lists "GMT" as obsolete zone syntax
 * that must not be generated. ({@code Fri, 2 Jan 2026 03:04:05 +0000}.) Without the general
 * formatter's machinery; the current time's text is reused within the same second.
 */
final class DateHeader {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  private record Cached(long second, String text) { }

  private static volatile Cached last;

  private DateHeader() {}

  /**
   * Now, in the system's default time zone (looked up once a second: it clones a TimeZone; a text
   * made just before the default zone changed still names the same instant).
   */
  static String now() {
    long second = Math.floorDiv(System.currentTimeMillis(), 1000);
    Cached c = last;
    if (c != null && c.second == second) return c.text;
    String text = format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault()));
    last = new Cached(second, text);
    return text;
  }

  static String format(ZonedDateTime t) {
    int year = t.getYear();
    int offset = t.getOffset().getTotalSeconds();
    if (year < 0 || year > 9999 || offset % 60 != 0) return numericZone(DateTimeFormatter.RFC_1123_DATE_TIME.format(t));
    StringBuilder sb = new StringBuilder(31);
    sb.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ").append(t.getDayOfMonth()).append(' ')
        .append(MONTHS[t.getMonthValue() - 1]).append(' ');
    digits(sb, year, 4).append(' ');
    digits(sb, t.getHour(), 2).append(':');
    digits(sb, t.getMinute(), 2).append(':');
    digits(sb, t.getSecond(), 2).append(' ');
    sb.append(offset < 0 ? '-' : '+');
    int minutes = Math.abs(offset) / 60;
    digits(sb, minutes / 60, 2);
    return digits(sb, minutes % 60, 2).toString();
  }

  /** The JDK's RFC 1123 text with {@code GMT} written as {@code +0000}. */
  static String numericZone(String rfc1123) {
    return rfc1123.endsWith(" GMT") ? rfc1123.substring(0, rfc1123.length() - 3) + "+0000" : rfc1123;
  }

  private static StringBuilder digits(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) sb.append('0');
    return sb.append(s);
  }
}

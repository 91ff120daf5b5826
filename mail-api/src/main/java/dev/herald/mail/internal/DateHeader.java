package dev.herald.mail.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The Date header's value, exactly as {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes it
 * ({@code Fri, 2 Jan 2026 03:04:05 GMT}, {@code +0100} for other offsets), without the general
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
    if (year < 0 || year > 9999 || offset % 60 != 0) return DateTimeFormatter.RFC_1123_DATE_TIME.format(t);
    StringBuilder sb = new StringBuilder(31);
    sb.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ").append(t.getDayOfMonth()).append(' ')
        .append(MONTHS[t.getMonthValue() - 1]).append(' ');
    digits(sb, year, 4).append(' ');
    digits(sb, t.getHour(), 2).append(':');
    digits(sb, t.getMinute(), 2).append(':');
    digits(sb, t.getSecond(), 2).append(' ');
    if (offset == 0) return sb.append("GMT").toString();
    sb.append(offset < 0 ? '-' : '+');
    int minutes = Math.abs(offset) / 60;
    digits(sb, minutes / 60, 2);
    return digits(sb, minutes % 60, 2).toString();
  }

  private static StringBuilder digits(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) sb.append('0');
    return sb.append(s);
  }
}

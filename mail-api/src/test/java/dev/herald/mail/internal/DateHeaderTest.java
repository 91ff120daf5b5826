package dev.herald.mail.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.mail.testing.Fuzz;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written Date header matches the JDK's RFC 1123 formatter, but for {@code +0000} in place of obsolete {@code GMT}. */
class DateHeaderTest {

  @Test void matchesTheJdkFormatterAcrossInstantsAndZones() {
    List<ZoneId> zones = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/St_Johns"),
        ZoneId.of("Asia/Kathmandu"), ZoneId.of("Pacific/Chatham"), ZoneId.of("America/Los_Angeles"),
        ZoneOffset.ofHoursMinutes(-3, -30), ZoneOffset.ofHoursMinutesSeconds(1, 2, 3), ZoneId.of("Europe/Amsterdam"));
    // A property test: random instants, a thousand here, 100 times more and a fresh seed with mvn -Pfuzz.
    Fuzz.run(1_000, 9, random -> {
      // years 0001 to 9998, and the early Amsterdam offset of +00:19:32
      long second = (long) (random.nextDouble() * 315_000_000_000L) - 62_100_000_000L;
      for (ZoneId zone : zones) {
        ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)), zone);
        assertEquals(DateHeader.numericZone(DateTimeFormatter.RFC_1123_DATE_TIME.format(t)), DateHeader.format(t), t.toString());
      }
    });
    ZonedDateTime y0 = ZonedDateTime.of(0, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    assertEquals(DateHeader.numericZone(DateTimeFormatter.RFC_1123_DATE_TIME.format(y0)), DateHeader.format(y0));
    assertEquals("Fri, 2 Jan 2026 03:04:05 +0000", DateHeader.format(ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)));
    assertThrows(DateTimeException.class, () -> DateHeader.format(ZonedDateTime.of(10_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
  }

  @Test void nowIsTheCurrentTimeInTheDefaultZone() {
    for (int i = 0; i < 3; i++) {
      long before = System.currentTimeMillis() / 1000;
      String now = DateHeader.now();
      long after = System.currentTimeMillis() / 1000;
      if (before != after) continue;  // a second boundary fell in between: try again
      assertEquals(DateHeader.numericZone(DateTimeFormatter.RFC_1123_DATE_TIME.format(
          ZonedDateTime.ofInstant(Instant.ofEpochSecond(before), ZoneId.systemDefault()))), now);
      return;
    }
  }
}

package dev.herald.mail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test void doublesFromFirstUpToMaxBackoffWithinTheJitter() {
    RetrySchedule s = RetrySchedule.DEFAULT;
    RandomGenerator r = RandomGenerator.of("L64X128MixRandom");
    long[] expectMinutes = {5, 10, 20, 40, 60, 60, 60};
    for (int attempt = 1; attempt <= expectMinutes.length; attempt++) {
      for (int i = 0; i < 200; i++) {
        Duration d = Duration.between(T0, s.next(T0, attempt, T0, r));
        long base = expectMinutes[attempt - 1] * 60_000;
        assertTrue(d.toMillis() >= base * 0.8 - 1 && d.toMillis() <= base * 1.2 + 1, attempt + ": " + d);
      }
    }
  }

  @Test void givesUpAtMaxAge() {
    RetrySchedule s = new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMinutes(1), 0);
    assertEquals(T0.plusSeconds(59 + 4), s.next(T0, 9, T0.plusSeconds(59), RandomGenerator.getDefault()));
    assertNull(s.next(T0, 9, T0.plusSeconds(60), RandomGenerator.getDefault()));
  }

  @Test void readsTheProfileOverTheDefaults() {
    HeraldConfig config = HeraldConfig.defaults();
    assertEquals(RetrySchedule.DEFAULT, RetrySchedule.of(ConfigFactory.empty(), config.root()));
    RetrySchedule s = RetrySchedule.of(ConfigFactory.parseString("queue-retry { first = 2s, max-age = 1h }"), config.root());
    assertEquals(new RetrySchedule(Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofHours(1), 0.2), s);
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> RetrySchedule.of(ConfigFactory.parseString("queue-retry { firts = 2s }"), config.root()));
    assertTrue(e.getMessage().contains("unknown key 'firts'"), e.getMessage());
  }
}

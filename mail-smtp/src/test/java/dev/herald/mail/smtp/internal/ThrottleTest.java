package dev.herald.mail.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.mail.smtp.RateLimit;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  @Test void spacesMessagesEvenly() throws InterruptedException {
    Throttle t = new Throttle(RateLimit.parse("20/s"));
    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) t.acquire();
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 190, "5 messages at 20/s took " + ms + " ms");
    assertFalse(t.tryAcquire());
  }

  @Test void unlimitedNeverWaits() throws InterruptedException {
    Throttle t = new Throttle(RateLimit.NONE);
    for (int i = 0; i < 100_000; i++) t.acquire();
    assertTrue(t.tryAcquire());
  }
}

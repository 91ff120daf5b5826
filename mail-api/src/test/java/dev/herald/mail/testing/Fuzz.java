package dev.herald.mail.testing;

import java.util.Random;

/**
 * Runs a property test's random cases. The normal build tries a few thousand from a fixed seed: fast,
 * the same cases every run, enough for the simple mistakes. {@code mvn -Pfuzz} multiplies the count by
 * {@code herald.fuzz.scale} (100 there) and draws a fresh seed each run, so that nightly runs explore;
 * a failure names its seed, and {@code -Dherald.fuzz.seed=N} replays it.
 */
public final class Fuzz {
  /** The system property that multiplies each test's count of cases. */
  public static final String SCALE = "herald.fuzz.scale";
  /** The system property that fixes the seed, to replay a failure. */
  public static final String SEED = "herald.fuzz.seed";

  /** One random case; {@code random} is shared by all cases of a run, so a seed replays them all. */
  @FunctionalInterface
  public interface Case {
    void run(Random random);
  }

  private Fuzz() {}

  /**
   * Runs {@code normal} cases (times the scale) from {@code fixedSeed} (or, when scaled up, a fresh seed),
   * and returns how many ran. An assertion that fails is thrown again with the case's number and seed.
   */
  public static int run(int normal, long fixedSeed, Case body) {
    int n = Math.multiplyExact(normal, scale());
    long seed = seed(fixedSeed);
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      try {
        body.run(random);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + " [random case " + (i + 1) + " of " + n + "; replay with -D"
            + SEED + "=" + seed + (scale() == 1 ? "" : " -D" + SCALE + "=" + scale()) + "]", e);
      }
    }
    return n;
  }

  static int scale() {
    String s = System.getProperty(SCALE, "").trim();
    if (s.isEmpty()) return 1;
    int scale = Integer.parseInt(s);
    if (scale < 1) throw new IllegalArgumentException(SCALE + " must be 1 or more, not " + s);
    return scale;
  }

  static long seed(long fixedSeed) {
    String s = System.getProperty(SEED, "").trim();
    if (!s.isEmpty()) return Long.parseLong(s);
    return scale() == 1 ? fixedSeed : new Random().nextLong();
  }
}

package dev.herald.mail.queue.bench;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.Envelope;
import dev.herald.mail.Mailer;
import dev.herald.mail.queue.OutboxWorker;
import dev.herald.mail.queue.RetrySchedule;
import dev.herald.mail.queue.SpoolOutbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: benchmarks/run-queue.sh runs it. Against an SMTP sink on 127.0.0.1:PORT, per round:
 * enqueue to a spool (every message fsync'd) from one thread; direct {@code Mailer.send} on one
 * connection; the spool drained by one worker thread on one connection; direct again (the drain's
 * ratio is to the mean of the two direct runs around it); enqueue from four threads. Each message is
 * built and rendered afresh, as an application would. Prints one JSON line per round, then medians.
 *
 * <p>With {@code --jdbc URL} (a PostgreSQL database, user {@code postgres}), the same for the jdbc
 * store: enqueue from one thread and four (each a committed transaction), drained by one worker.
 *
 * <p>usage: QueueBench --port P [--n N] [--rounds R] [--dir SPOOL_PARENT] [--jdbc URL]
 */
public final class QueueBench {
  private QueueBench() {}

  public static void main(String[] args) throws Exception {
    int port = 0, n = 2000, rounds = 3;
    Path parent = Path.of("target/tmp");
    String jdbc = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--dir" -> parent = Path.of(args[++i]);
        case "--jdbc" -> jdbc = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (port == 0) throw new IllegalArgumentException("--port is required");
    Files.createDirectories(parent);
    Map<String, Object> profile = Map.of("transport", "smtp", "host", "127.0.0.1", "port", port, "tls", "none",
        "max-connections", 1, "from", "bench@example.org");
    List<double[]> results = new ArrayList<>();
    List<double[]> pg = new ArrayList<>();
    try (Mailer mailer = Mailer.fromProfile(ConfigFactory.parseMap(profile))) {
      round(mailer, parent, Math.max(200, n / 4), -1); // warm-up, not reported
      for (int r = 0; r < rounds; r++) {
        results.add(round(mailer, parent, n, r));
        if (jdbc != null) pg.add(jdbcRound(mailer, jdbc, n, r));
      }
    }
    if (jdbc != null) {
      String[] pgNames = {"pg_enqueue_1_thread_msgs_per_s", "pg_enqueue_4_threads_msgs_per_s", "pg_drain_1_thread_msgs_per_s"};
      StringBuilder sb = new StringBuilder("{\"median\": true, \"store\": \"jdbc\", \"n\": " + n);
      for (int k = 0; k < pgNames.length; k++) {
        List<Double> v = new ArrayList<>();
        for (double[] x : pg) v.add(x[k]);
        Collections.sort(v);
        sb.append(String.format(", \"%s\": %.0f", pgNames[k], v.get(v.size() / 2)));
      }
      System.out.println(sb.append('}'));
    }
    String[] names = {"direct_send_msgs_per_s", "enqueue_1_thread_msgs_per_s", "enqueue_4_threads_msgs_per_s", "drain_1_thread_msgs_per_s"};
    StringBuilder sb = new StringBuilder("{\"median\": true, \"n\": " + n + ", \"rounds\": " + rounds);
    double[] med = new double[names.length];
    for (int k = 0; k < names.length; k++) {
      List<Double> v = new ArrayList<>();
      for (double[] x : results) v.add(x[k]);
      Collections.sort(v);
      med[k] = v.get(v.size() / 2);
      sb.append(String.format(", \"%s\": %.0f", names[k], med[k]));
    }
    List<Double> ratios = new ArrayList<>();
    for (double[] x : results) ratios.add(x[3] / x[0]);
    Collections.sort(ratios);
    sb.append(String.format(", \"drain_vs_direct\": %.2f}", ratios.get(ratios.size() / 2)));
    System.out.println(sb);
  }

  private static Email email(int i) {
    return Email.builder().from("bench@example.org").to("sink@example.net").subject("queue bench " + i)
        .text("A message of about a kilobyte. ".repeat(30)).build();
  }

  /** Direct Mailer.send of n messages on one connection, msgs/s. */
  private static double direct(Mailer mailer, int n) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) mailer.send(email(i));
    return n / seconds(t0);
  }

  private static double[] round(Mailer mailer, Path parent, int n, int round) throws Exception {
    Path dir = Files.createTempDirectory(parent, "spool");
    SpoolOutbox spool = SpoolOutbox.open("bench", dir, Duration.ofMinutes(5), Clock.systemUTC());
    double[] before = new double[1];
    double[] q = measure(spool, mailer, n, () -> before[0] = direct(mailer, n));
    // The drain is bracketed by two direct runs; its ratio is to their mean, so that a drift of the machine's load weighs on both.
    double direct = (before[0] + direct(mailer, n)) / 2;
    double enqueue1 = q[0], drain = q[1], enqueue4 = q[2];
    for (var m : spool.list()) spool.remove(m.id());
    deleteTree(dir);
    if (round >= 0) {
      System.out.printf("{\"round\": %d, \"n\": %d, \"direct_send_msgs_per_s\": %.0f, \"enqueue_1_thread_msgs_per_s\": %.0f,"
          + " \"enqueue_4_threads_msgs_per_s\": %.0f, \"drain_1_thread_msgs_per_s\": %.0f, \"drain_vs_direct\": %.2f}%n",
          round, n, direct, enqueue1, enqueue4, drain, drain / direct);
    }
    return new double[] {direct, enqueue1, enqueue4, drain};
  }

  /**
   * On one store: enqueue n messages from one thread, drain them with one worker thread, then enqueue
   * n more from four threads (left in the store). Returns {enqueue 1 thread, drain, enqueue 4 threads} in msgs/s.
   */
  private static double[] measure(dev.herald.mail.queue.Outbox box, Mailer mailer, int n, Runnable beforeDrain) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Email e = mailer.withDefaults(email(i));
      box.enqueue(Envelope.of(e), e.render());
    }
    double enqueue1 = n / seconds(t0);
    if (beforeDrain != null) beforeDrain.run();
    t0 = System.nanoTime();
    OutboxWorker.builder(box, mailer).threads(1).schedule(RetrySchedule.DEFAULT).build().runOnce();
    double drain = n / seconds(t0);
    if (box.stats().total() != 0) throw new IllegalStateException("not drained: " + box.stats());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int from = t;
      fs.add(pool.submit(() -> {
        for (int i = from; i < n; i += 4) {
          Email e = mailer.withDefaults(email(i));
          box.enqueue(Envelope.of(e), e.render());
        }
        return null;
      }));
    }
    for (Future<?> f : fs) f.get();
    double enqueue4 = n / seconds(t0);
    pool.shutdown();
    return new double[] {enqueue1, drain, enqueue4};
  }

  private static double[] jdbcRound(Mailer mailer, String url, int n, int round) throws Exception {
    try (dev.herald.mail.queue.JdbcOutbox box = dev.herald.mail.queue.JdbcOutbox.open("bench", url,
        () -> java.sql.DriverManager.getConnection(url, "postgres", ""), Duration.ofMinutes(5), 4)) {
      box.stats();
      double[] q = measure(box, mailer, n, null);
      double enqueue1 = q[0], drain = q[1], enqueue4 = q[2];
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
           java.sql.Statement s = c.createStatement()) {
        s.execute("TRUNCATE herald_outbox");
      }
      System.out.printf("{\"round\": %d, \"store\": \"jdbc\", \"n\": %d, \"pg_enqueue_1_thread_msgs_per_s\": %.0f,"
          + " \"pg_enqueue_4_threads_msgs_per_s\": %.0f, \"pg_drain_1_thread_msgs_per_s\": %.0f}%n", round, n, enqueue1, enqueue4, drain);
      return new double[] {enqueue1, enqueue4, drain};
    }
  }

  private static double seconds(long t0) { return (System.nanoTime() - t0) / 1e9; }

  private static void deleteTree(Path p) throws java.io.IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }
}

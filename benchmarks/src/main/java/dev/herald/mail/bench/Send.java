package dev.herald.mail.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark sender: sends N small messages (or one with a file attachment) to an SMTP server with
 * Herald's {@code SmtpTransport} or, as the baseline, with Angus Mail. Prints one JSON line with the
 * timed part's figures ({@code seconds}, {@code msgs_per_s}), the contract of
 * {@code ../shared/bench/java/src/main/java/bench/Send.java}.
 *
 * <pre>
 * java -cp CP dev.herald.mail.bench.Send --mode MODE [--n N] [--warmup W] [--threads K]
 *      [--connections C] [--batch B] [--host H] [--port P] [--warmup-port P2] [--size BYTES]
 *      [--attach FILE] [--trace] [--same-content] [--dkim rsa|ed25519] [--max-messages-per-connection M]
 * MODE: herald-send    Herald SmtpTransport.send(envelope, content), one call per message; K threads
 *                      share one transport with C pooled connections (default C = K)
 *       herald-batch   Herald SmtpTransport.sendAll of B messages at a time from one thread, C connections
 *                      (default C = 1)
 *       angus-reuse    Angus Mail, one connected Transport per thread, reused for every message
 *                      (the anchor's angus-reuse)
 *       angus-per-msg  Angus Mail Transport.send(msg): a connection per message (the anchor's memory baseline)
 * </pre>
 * Every message is built afresh, as an application would: Herald {@code Email.builder()...build()},
 * {@code render()}, {@code Envelope.of}; Angus {@code new MimeMessage}, {@code saveChanges()}. The same
 * ~1 KB 7-bit text body, one recipient. WARMUP untimed messages go first through the same code path
 * (so the JIT has compiled it); K threads split N (and W) between them. With {@code --warmup-port}
 * the warm-up messages go over a separate client to that port (e.g. the sink directly, while the
 * timed ones go through a round-trip-counting proxy); the JSON line then shows warmup as negative.
 * {@code --same-content} (diagnostic, Herald modes only, breaks the "fresh message" contract): one
 * message is rendered once and sent N times, which isolates the transport's own cost.
 * {@code --dkim rsa|ed25519} (Herald modes): every message is DKIM-signed (mail-api's {@code DkimSigner},
 * relaxed/relaxed, a fresh 2048-bit RSA or an Ed25519 key made at start-up) after it is rendered, as
 * a profile with {@code dkim { … }} does; the signing time counts in {@code build_us_per_msg}.
 */
public final class Send {
  static final String FROM = "bench@example.com";
  static final String TO = "sink@example.com";

  /** The command line. */
  static final class Options {
    String mode = "herald-send";
    String host = "127.0.0.1";
    int port = 2525;
    int warmupPort = 0; // 0: the same as port
    int n = 2000;
    int warmup = 0;
    int threads = 1;
    int connections = 0; // 0: the mode's default
    int batch = 100;
    int size = 1024;
    File attach;
    boolean trace;
    boolean sameContent; // diagnostic: Herald renders one message and sends it N times
    String dkim; // null, rsa or ed25519: Herald signs every message
    int maxMessagesPerConnection = -1; // Herald's max-messages-per-connection; -1: the transport's default
    String body;
  }

  /** Sends messages number from..from+count-1 on the calling thread. */
  interface Runner extends AutoCloseable {
    void send(int worker, int from, int count) throws Exception;

    @Override default void close() { }

    default String describe() { return ""; }

    /** Nanoseconds spent building and rendering messages since the last call (all threads); -1 if not measured. */
    default long takeBuildNanos() { return -1; }
  }

  static Runner runner(Options o) {
    return switch (o.mode) {
      case "herald-send" -> HeraldRunner.oneAtATime(o);
      case "herald-batch" -> HeraldRunner.batch(o);
      case "angus-reuse" -> new AngusRunner(o, true);
      case "angus-per-msg" -> new AngusRunner(o, false);
      default -> throw new IllegalArgumentException("unknown mode " + o.mode);
    };
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    o.body = makeBody(o.size);
    if (o.warmup > 0 && o.warmupPort > 0 && o.warmupPort != o.port) {
      // Warm the JIT (and one-time initialisation) over a separate client to another port, e.g. the
      // sink itself while the timed messages go through the round-trip-counting proxy.
      Options w = parse(args);
      w.body = o.body;
      w.port = o.warmupPort;
      try (Runner wr = runner(w)) {
        runThreads(wr, o.warmup, o.threads, 0);
      }
      o.warmup = -o.warmup; // done; reported as negative: not sent on the timed client
    }
    Runner r = runner(o);
    double s;
    double cpu;
    long build;
    try {
      if (o.warmup > 0) {
        runThreads(r, o.warmup, o.threads, 0);
      }
      r.takeBuildNanos();
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      runThreads(r, o.n, o.threads, Math.abs(o.warmup));
      long t1 = System.nanoTime();
      cpu = (processCpuNanos() - c0) / 1e9;
      s = (t1 - t0) / 1e9;
      build = r.takeBuildNanos();
    } finally {
      r.close();
    }
    // build_us_per_msg: wall time the sending threads spent building and rendering messages
    // (Herald: Email.builder()...build(), Envelope.of, render()), per message; -1 for Angus, whose
    // rendering happens inside sendMessage.
    // cpu_s: CPU time of the whole client process (every thread, JIT and GC included) during the
    // timed N; on a loaded machine it moves far less than wall time does.
    System.out.printf(Locale.ROOT, "{\"client\":\"%s\",\"n\":%d,\"warmup\":%d,\"threads\":%d,\"seconds\":%.4f,"
            + "\"msgs_per_s\":%.1f,\"cpu_s\":%.4f,\"cpu_us_per_msg\":%.1f,\"build_us_per_msg\":%.1f,\"extra\":\"%s\"}%n",
        o.mode, o.n, o.warmup, o.threads, s, o.n / s, cpu, cpu * 1e6 / o.n, build < 0 ? -1.0 : build / 1e3 / o.n,
        r.describe());
  }

  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mode" -> o.mode = args[++i];
        case "--n" -> o.n = Integer.parseInt(args[++i]);
        case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
        case "--threads" -> o.threads = Integer.parseInt(args[++i]);
        case "--connections" -> o.connections = Integer.parseInt(args[++i]);
        case "--batch" -> o.batch = Integer.parseInt(args[++i]);
        case "--host" -> o.host = args[++i];
        case "--port" -> o.port = Integer.parseInt(args[++i]);
        case "--warmup-port" -> o.warmupPort = Integer.parseInt(args[++i]);
        case "--size" -> o.size = Integer.parseInt(args[++i]);
        case "--attach" -> o.attach = new File(args[++i]);
        case "--trace", "--debug" -> o.trace = true;
        case "--same-content" -> o.sameContent = true;
        case "--dkim" -> o.dkim = args[++i];
        case "--max-messages-per-connection" -> o.maxMessagesPerConnection = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!o.host.startsWith("127.") && !o.host.equals("localhost")) {
      throw new IllegalArgumentException("loopback hosts only: " + o.host);
    }
    return o;
  }

  /** ~size bytes of 7-bit text in 76-char lines (byte for byte the anchor's body). */
  static String makeBody(int size) {
    StringBuilder sb = new StringBuilder(size + 80);
    String line = "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrs";
    while (sb.length() + line.length() + 2 <= size) {
      sb.append(line).append("\r\n");
    }
    while (sb.length() < size) {
      sb.append('x');
    }
    return sb.toString();
  }

  static void runThreads(Runner r, int n, int threads, int base) throws Exception {
    if (threads == 1) {
      r.send(0, base, n);
      return;
    }
    List<Thread> ts = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    List<Throwable> errors = new ArrayList<>();
    int per = n / threads, rest = n % threads, start = base;
    for (int w = 0; w < threads; w++) {
      int count = per + (w < rest ? 1 : 0);
      int from = start, worker = w;
      start += count;
      Thread t = new Thread(() -> {
        try {
          r.send(worker, from, count);
        } catch (Throwable e) {
          failures.incrementAndGet();
          synchronized (errors) { errors.add(e); }
        }
      }, "sender-" + w);
      ts.add(t);
      t.start();
    }
    for (Thread t : ts) {
      t.join();
    }
    if (failures.get() > 0) {
      throw new RuntimeException(failures.get() + " worker(s) failed", errors.get(0));
    }
  }
}

package dev.herald.mail.merge.bench;

import com.typesafe.config.ConfigFactory;
import dev.herald.mail.Email;
import dev.herald.mail.Mailer;
import dev.herald.mail.merge.MailMerge;
import dev.herald.mail.merge.RowOutcome;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: {@code benchmarks/run-merge.sh} runs it. N rows to a loopback sink, each round twice in
 * the same JVM: a plain loop of {@code Mailer.send} (each message built with string concatenation from
 * the row, as a script without templates would) and {@code MailMerge.send} (CSV parsed, Mustache
 * rendered while the rows before are sent, a ledger line per row before and after its send; a row an
 * attempt does not deliver is stored in the batch's spool), both on one connection. After a warm-up of
 * each, the two take turns going first. Prints msgs/s per round, medians and the median of the per-round
 * merge/loop ratios.
 */
public final class MergeBench {
  public static void main(String[] args) throws Exception {
    int port = 0;
    int n = 10_000;
    int rounds = 3;
    Path dir = Path.of("target/tmp");
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    Files.createDirectories(dir);
    Path template = dir.resolve("bench-template.txt");
    Files.writeString(template, "From: Bench <bench@example.org>\nTo: {{name}} <{{email}}>\nSubject: Your grade, {{name}}\n\n"
        + "Dear {{name}},\n\nyour grade is {{grade}} ({{note}}).\n\nRegards,\nthe registrar\n");
    Path data = dir.resolve("bench-rows.csv");
    StringBuilder b = new StringBuilder("id,email,name,grade,note\n");
    for (int i = 1; i <= n; i++) {
      b.append(i).append(",student").append(i).append("@example.net,\"Dvořák, Antonín ").append(i).append("\",")
          .append(i % 6 + 1).append(",\"well done, ").append(i).append("\"\n");
    }
    Files.writeString(data, b, StandardCharsets.UTF_8);
    Map<String, Object> profile = Map.of("transport", "smtp", "host", "127.0.0.1", "port", port, "tls", "none",
        "max-connections", 1, "from", "bench@example.org");
    double[] loop = new double[rounds];
    double[] merge = new double[rounds];
    try (Mailer mailer = Mailer.fromProfile(ConfigFactory.parseMap(profile))) {
      // A warm-up of each (the JIT), not reported; then the two take turns going first, so that a drift of the
      // machine's load within a round weighs on both alike.
      plainLoop(mailer, data);
      merge(mailer, template, data, dir.resolve("bench-state-" + System.nanoTime()), n);
      for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
          loop[r] = plainLoop(mailer, data);
          merge[r] = merge(mailer, template, data, dir.resolve("bench-state-" + System.nanoTime()), n);
        } else {
          merge[r] = merge(mailer, template, data, dir.resolve("bench-state-" + System.nanoTime()), n);
          loop[r] = plainLoop(mailer, data);
        }
        System.out.printf(Locale.ROOT, "round %d: loop %.0f msgs/s, merge %.0f msgs/s, ratio %.2f%n", r + 1, loop[r], merge[r],
            merge[r] / loop[r]);
      }
    }
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) ratio[r] = merge[r] / loop[r];
    System.out.printf(Locale.ROOT, "median: loop %.0f msgs/s, merge %.0f msgs/s, ratio %.2f (N=%d, %d rounds)%n", median(loop),
        median(merge), median(ratio), n, rounds);
  }

  /** What a script without templates does: read the rows, build each message, send it. */
  static double plainLoop(Mailer mailer, Path data) throws Exception {
    long t0 = System.nanoTime();
    int sent = 0;
    try (BufferedReader in = Files.newBufferedReader(data)) {
      in.readLine();
      String line;
      while ((line = in.readLine()) != null) {
        // The fields are known here (no quoted commas in the email/grade columns), so a split is enough for the loop.
        int q1 = line.indexOf('"');
        int q2 = line.indexOf('"', q1 + 1);
        String[] head = line.substring(0, q1).split(",");
        String name = line.substring(q1 + 1, q2);
        String[] tail = line.substring(q2 + 2).split(",", 2);
        String note = tail[1].substring(1, tail[1].length() - 1);
        mailer.send(Email.builder().from("Bench <bench@example.org>").to("\"" + name + "\" <" + head[1] + ">")
            .subject("Your grade, " + name).text("Dear " + name + ",\n\nyour grade is " + tail[0] + " (" + note
                + ").\n\nRegards,\nthe registrar\n").build());
        sent++;
      }
    }
    return sent / ((System.nanoTime() - t0) / 1e9);
  }

  static double merge(Mailer mailer, Path template, Path data, Path state, int n) {
    long t0 = System.nanoTime();
    long[] queued = new long[1];
    MailMerge.Result r = MailMerge.builder(template, data).mailer(mailer).stateDirectory(state).listener(p -> {
      if (queued[0] == 0) queued[0] = System.nanoTime();
    }).build().send();
    long t1 = System.nanoTime();
    double rate = n / ((t1 - t0) / 1e9);
    System.out.printf(Locale.ROOT, "  merge: read the rows %.2f s, then render and deliver %.2f s%n", (queued[0] - t0) / 1e9, (t1 - queued[0]) / 1e9);
    if (r.count(RowOutcome.Status.SENT) != n) throw new IllegalStateException("merge sent " + r.count(RowOutcome.Status.SENT));
    return rate;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

}

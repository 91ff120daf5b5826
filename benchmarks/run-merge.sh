#!/usr/bin/env bash
# herald batch (issue 11): N rows to Postfix's smtp-sink on loopback, MailMerge.send (CSV, Mustache,
# rows rendered while earlier ones are sent, the batch's ledger noting each row before and after its
# send, a row an attempt does not deliver stored in the batch's spool) vs a plain loop of Mailer.send in
# the same JVM and run, one connection each; a warm-up of each, then rounds in which the two take turns
# going first; the median of the per-round ratios. Target: merge/loop >= 1.0. The runner is mail-merge's
# test class dev.herald.mail.merge.bench.MergeBench, built from this checkout's reactor (nothing
# installed in ~/.m2); the ledger and spool live in mail-merge/target/tmp.
# usage: ./run-merge.sh        env: N (10000) ROUNDS (5)
source "$(dirname "$0")/lib/common.sh"
N=${N:-10000}; ROUNDS=${ROUNDS:-5}
( cd .. && mvn -q -B -pl mail-merge -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/merge-bench.cp >/dev/null )
CPM="../mail-merge/target/test-classes:../mail-merge/target/classes:$(cat ../mail-merge/target/merge-bench.cp)"
start_sink "$SINK_PORT"
OUT=results/merge.md
{
  echo "## herald batch: MailMerge vs a plain Mailer.send loop, msgs/s (N=$N rows per round, $ROUNDS rounds, medians)"
  machine_notes
  echo
  echo '```'
  java -cp "$CPM" dev.herald.mail.merge.bench.MergeBench --port "$SINK_PORT" --n "$N" --rounds "$ROUNDS" --dir ../mail-merge/target/tmp
  echo '```'
} | tee "$OUT"

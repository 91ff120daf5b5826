#!/usr/bin/env bash
# The queue (issue 10): enqueue rate to the spool (every message fsync'd; 1 and 4 threads), and the
# spool drained by one worker on one connection vs direct Mailer.send on one connection, in the same
# run, to Postfix's smtp-sink on loopback. Targets: enqueue >= 500 msgs/s, drain >= 0.8x direct.
# The sender is mail-queue's test class dev.herald.mail.queue.bench.QueueBench (built from this
# checkout's reactor: nothing is installed in ~/.m2). The spool lives in mail-queue/target/tmp
# (the file system whose fsync is measured).
# usage: ./run-queue.sh        env: N (2000) ROUNDS (3)
source "$(dirname "$0")/lib/common.sh"
N=${N:-2000}; ROUNDS=${ROUNDS:-3}
( cd .. && mvn -q -B -pl mail-queue -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/queue-bench.cp >/dev/null )
CPQ="../mail-queue/target/test-classes:../mail-queue/target/classes:$(cat ../mail-queue/target/queue-bench.cp)"
start_sink "$SINK_PORT"
OUT=results/queue.md
{
  echo "## Queue: enqueue and drain rates, msgs/s (N=$N per round, $ROUNDS rounds, medians)"
  machine_notes
  echo
  echo '```'
  java -cp "$CPQ" dev.herald.mail.queue.bench.QueueBench --port "$SINK_PORT" --n "$N" --rounds "$ROUNDS" --dir ../mail-queue/target/tmp
  echo '```'
} | tee "$OUT"

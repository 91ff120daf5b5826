#!/usr/bin/env bash
# The queue (issue 10): enqueue rate to the spool (every message fsync'd; 1 and 4 threads), and the
# spool drained by one worker on one connection vs direct Mailer.send on one connection, in the same
# run, to Postfix's smtp-sink on loopback. Targets: enqueue >= 500 msgs/s, drain >= 0.8x direct.
# The sender is mail-queue's test class dev.herald.mail.queue.bench.QueueBench (built from this
# checkout's reactor: nothing is installed in ~/.m2). The spool lives in mail-queue/target/tmp
# (the file system whose fsync is measured).
# With Debian's postgresql installed, the same for the jdbc store on a private PostgreSQL server
# (default settings: fsync on, synchronous_commit on) in target/tmp; PG=0 leaves it out.
# usage: ./run-queue.sh        env: N (2000) ROUNDS (3) PG (1)
source "$(dirname "$0")/lib/common.sh"
N=${N:-2000}; ROUNDS=${ROUNDS:-3}; PG=${PG:-1}
( cd .. && mvn -q -B -pl mail-queue -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/queue-bench.cp >/dev/null )
CPQ="../mail-queue/target/test-classes:../mail-queue/target/classes:$(cat ../mail-queue/target/queue-bench.cp)"
start_sink "$SINK_PORT"
JDBC=()
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ "$PG" = 1 ] && [ -n "$PGBIN" ]; then
  PGDIR=$(mktemp -d "$PWD/$TMP/pg.XXXXXX"); PGPORT=${PGPORT:-31727}
  AS=(); if [ "$(id -u)" = 0 ]; then chown postgres: "$PGDIR"; AS=(runuser -u postgres --); fi
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/log" -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null
  trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null; rm -rf "$PGDIR"; cleanup' EXIT
  JDBC=(--jdbc "jdbc:postgresql://127.0.0.1:$PGPORT/postgres")
fi
OUT=results/queue.md
{
  echo "## Queue: enqueue and drain rates, msgs/s (N=$N per round, $ROUNDS rounds, medians)"
  machine_notes
  echo
  echo '```'
  java -cp "$CPQ" dev.herald.mail.queue.bench.QueueBench --port "$SINK_PORT" --n "$N" --rounds "$ROUNDS" --dir ../mail-queue/target/tmp "${JDBC[@]}"
  echo '```'
} | tee "$OUT"

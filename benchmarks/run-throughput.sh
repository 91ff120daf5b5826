#!/usr/bin/env bash
# Throughput (messages/second): Herald's SmtpTransport vs Angus Mail reusing one connected Transport,
# in the same run. One ~1 KB text message, one recipient, to Postfix's smtp-sink on loopback. Each
# variant is a fresh JVM that sends WARMUP untimed messages, then times N (JVM start-up excluded).
# Steady state by default: 20,000 warm-up messages let both JITs finish (with 2,000, C2 still compiles
# for about half of the faster client's short timed window; N=10000 WARMUP=2000 shows that regime).
# Variants run interleaved (order rotated each round), ROUNDS times (+1 warm-up round); medians and
# ratios paired per round vs angus-reuse-1 (../shared/bench/lib/timecmd.py).
# WHATIF=1 adds two what-if rows (not targets): Herald with jakarta.mail's per-call ServiceLoader
# scan of StreamProvider short-circuited by a system property, i.e. Herald as it would be if
# mail-api's renderer avoided those scans (jakartaee/mail-api#861); Angus stays as users run it.
# DIAG=1 adds diagnostic rows (not targets): Herald sending ONE rendered message N times
# (--same-content), i.e. the cost of mail-smtp's transport without mail-api's per-message rendering.
# NOCAP=1 adds a what-if row (not a target): herald-pool-K with max-messages-per-connection = 0 (no
# reconnect every 100 messages), to weigh that default.
# usage: ./run-throughput.sh        env: N (30000) WARMUP (20000) ROUNDS (5) K (4) BATCH (100) JAVA_OPTS () WHATIF (0) DIAG (0) NOCAP (0)
source "$(dirname "$0")/lib/common.sh"
N=${N:-30000}; WARMUP=${WARMUP:-20000}; ROUNDS=${ROUNDS:-5}; K=${K:-4}; BATCH=${BATCH:-100}
JAVA_OPTS=${JAVA_OPTS:-}; WHATIF=${WHATIF:-0}; DIAG=${DIAG:-0}; NOCAP=${NOCAP:-0}
build
start_sink "$SINK_PORT"
J="java $JAVA_OPTS -cp $CP dev.herald.mail.bench.Send --port $SINK_PORT --n $N --warmup $WARMUP"
NOSCAN="java $JAVA_OPTS -Djakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider -cp $CP dev.herald.mail.bench.Send --port $SINK_PORT --n $N --warmup $WARMUP"
EXTRA=()
if [ "$WHATIF" = 1 ]; then
  EXTRA=(whatif-herald-reuse-1-noscan "$NOSCAN --mode herald-send --threads 1 --connections 1"
         whatif-herald-pool-$K-noscan "$NOSCAN --mode herald-send --threads $K --connections $K")
fi
if [ "$DIAG" = 1 ]; then
  EXTRA+=(diag-herald-reuse-1-same-content "$J --mode herald-send --threads 1 --connections 1 --same-content"
          diag-herald-batch-1-same-content "$J --mode herald-batch --connections 1 --batch $BATCH --same-content"
          diag-herald-pool-$K-same-content "$J --mode herald-send --threads $K --connections $K --same-content"
          diag-herald-pool-$K-batch-same-content "$J --mode herald-batch --connections $K --batch $BATCH --same-content")
fi
if [ "$NOCAP" = 1 ]; then
  EXTRA+=(whatif-herald-pool-$K-nocap "$J --mode herald-send --threads $K --connections $K --max-messages-per-connection 0")
fi
OUT=results/throughput.md
{
  echo "## Throughput, msgs/s (N=$N per run, in-process warm-up $WARMUP, K=$K, sendAll batches of $BATCH)"
  machine_notes
  rounds "throughput to smtp-sink on loopback (msgs/s, higher is better)" angus-reuse-1 results/throughput.json \
    angus-reuse-1        "$J --mode angus-reuse --threads 1" \
    herald-reuse-1       "$J --mode herald-send --threads 1 --connections 1" \
    herald-batch-1       "$J --mode herald-batch --connections 1 --batch $BATCH" \
    herald-pool-$K       "$J --mode herald-send --threads $K --connections $K" \
    herald-pool-$K-batch "$J --mode herald-batch --connections $K --batch $BATCH" \
    angus-reuse-$K       "$J --mode angus-reuse --threads $K" \
    "${EXTRA[@]}"
  python3 lib/targets.py throughput results/throughput.json
} | tee "$OUT"

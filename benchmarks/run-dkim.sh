#!/usr/bin/env bash
# The cost of DKIM signing: Herald's throughput (msgs/s) with and without signing, in the same run.
# The same ~1 KB text message and one reused connection as run-throughput.sh's herald-reuse-1 and
# herald-batch-1; the -dkim-* variants sign every message after rendering it (mail-api's DkimSigner,
# relaxed/relaxed; RSA 2048 or Ed25519), as a profile with dkim { … } does. Interleaved rounds,
# medians, ratios paired per round against the unsigned herald-reuse-1.
# usage: ./run-dkim.sh        env: N (10000) WARMUP (10000) ROUNDS (3) BATCH (100) JAVA_OPTS ()
source "$(dirname "$0")/lib/common.sh"
N=${N:-10000}; WARMUP=${WARMUP:-10000}; ROUNDS=${ROUNDS:-3}; BATCH=${BATCH:-100}; JAVA_OPTS=${JAVA_OPTS:-}
build
start_sink "$SINK_PORT"
J="java $JAVA_OPTS -cp $CP dev.herald.mail.bench.Send --port $SINK_PORT --n $N --warmup $WARMUP"
OUT=results/dkim.md
{
  echo "## DKIM signing cost, msgs/s (N=$N per run, in-process warm-up $WARMUP, sendAll batches of $BATCH)"
  machine_notes
  python3 "$SHARED/lib/timecmd.py" --rounds "$ROUNDS" --warmup 1 --metric msgs_per_s --baseline herald-reuse-1 \
    --json results/dkim.json --title "Herald with and without DKIM to smtp-sink on loopback (msgs/s, higher is better)" -- \
    herald-reuse-1               "$J --mode herald-send --threads 1 --connections 1" \
    herald-reuse-1-dkim-rsa      "$J --mode herald-send --threads 1 --connections 1 --dkim rsa" \
    herald-reuse-1-dkim-ed25519  "$J --mode herald-send --threads 1 --connections 1 --dkim ed25519" \
    herald-batch-1               "$J --mode herald-batch --connections 1 --batch $BATCH" \
    herald-batch-1-dkim-rsa      "$J --mode herald-batch --connections 1 --batch $BATCH --dkim rsa" \
    herald-batch-1-dkim-ed25519  "$J --mode herald-batch --connections 1 --batch $BATCH --dkim ed25519"
} | tee "$OUT"

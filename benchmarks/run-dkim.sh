#!/usr/bin/env bash
# The cost of DKIM signing: Herald's throughput (msgs/s) with and without signing, in the same run.
# The same ~1 KB text message and one reused connection as run-throughput.sh's herald-reuse-1 and
# herald-batch-1; the -dkim-* variants sign every message after rendering it (mail-api's DkimSigner,
# relaxed/relaxed; RSA 2048 or Ed25519), as a profile with dkim { … } does. Interleaved rounds,
# medians, ratios paired per round against the unsigned herald-reuse-1.
# The last table gives client CPU per message and the time spent rendering + signing per message
# (build_us_per_msg), medians of the timed runs: what a signature costs, load aside.
# usage: ./run-dkim.sh        env: N (5000) WARMUP (5000) ROUNDS (3) BATCH (100) JAVA_OPTS () SHARED_BENCH
source "$(dirname "$0")/lib/common.sh"
N=${N:-5000}; WARMUP=${WARMUP:-5000}; ROUNDS=${ROUNDS:-3}; BATCH=${BATCH:-100}; JAVA_OPTS=${JAVA_OPTS:-}
build
start_sink "$SINK_PORT"
per_message() { # the Send JSON lines' own figures, medians per variant
  python3 - "$1" <<'PY'
import json, statistics as st, sys
runs = json.load(open(sys.argv[1]))["runs"]
print("\n| variant | msgs/s median | client CPU µs/msg | render + sign µs/msg |\n|---|---:|---:|---:|")
for name, rs in runs.items():
    j = [r["json"] for r in rs if r.get("json")]
    if j:
        print("| %s | %.0f | %.0f | %.0f |" % (name, st.median(x["msgs_per_s"] for x in j),
              st.median(x["cpu_us_per_msg"] for x in j), st.median(x["build_us_per_msg"] for x in j)))
PY
}
J="java $JAVA_OPTS -cp $CP dev.herald.mail.bench.Send --port $SINK_PORT --n $N --warmup $WARMUP"
OUT=results/dkim.md
{
  echo "## DKIM signing cost, msgs/s (N=$N per run, in-process warm-up $WARMUP, sendAll batches of $BATCH)"
  machine_notes
  rounds "Herald with and without DKIM to smtp-sink on loopback (msgs/s, higher is better)" herald-reuse-1 results/dkim.json \
    herald-reuse-1               "$J --mode herald-send --threads 1 --connections 1" \
    herald-reuse-1-dkim-rsa      "$J --mode herald-send --threads 1 --connections 1 --dkim rsa" \
    herald-reuse-1-dkim-ed25519  "$J --mode herald-send --threads 1 --connections 1 --dkim ed25519" \
    herald-batch-1               "$J --mode herald-batch --connections 1 --batch $BATCH" \
    herald-batch-1-dkim-rsa      "$J --mode herald-batch --connections 1 --batch $BATCH --dkim rsa" \
    herald-batch-1-dkim-ed25519  "$J --mode herald-batch --connections 1 --batch $BATCH --dkim ed25519"
  per_message results/dkim.json
} | tee "$OUT"

#!/usr/bin/env bash
# Round trips per message on a reused connection through a link with RTT = 2 x DELAY_MS (20 ms):
# ../shared/bench/lib/delayproxy.py sits between client and smtp-sink on loopback, delays each chunk
# DELAY_MS each way and counts client flights (the client speaking after it heard the server).
# ../shared/bench/lib/rtt.py runs the senders ROUNDS times and reports medians.
# Each JVM first sends WARMUP messages straight to the sink over a separate client (JIT warm, one-time
# set-up done), then the timed N through the proxy on a fresh connection (WARMUP=0: cold, as the anchors).
# usage: ./run-rtt.sh        env: N (200) DELAY_MS (10) ROUNDS (3) BATCH (100) WARMUP (2000)
source "$(dirname "$0")/lib/common.sh"
N=${N:-200}; DELAY_MS=${DELAY_MS:-10}; ROUNDS=${ROUNDS:-3}; BATCH=${BATCH:-100}; WARMUP=${WARMUP:-2000}
build
start_sink "$SINK_PORT"
STATS="$TMP/proxy-stats.json"
start_proxy "$PROXY_PORT" "$SINK_PORT" "$DELAY_MS" "$STATS"
OUT=results/rtt.md
python3 - "$N" "$DELAY_MS" "$ROUNDS" "$STATS" "$CP" "$PROXY_PORT" "$BATCH" "$WARMUP" "$SINK_PORT" >"$TMP/rtt-spec.json" <<'PY'
import json, sys
n, d, rounds, stats, cp, port, batch, warmup, sink = sys.argv[1:]
J = ["java", "-cp", cp, "dev.herald.mail.bench.Send", "--port", port, "--warmup", warmup, "--warmup-port", sink, "--n", n]
print(json.dumps({"rtt_ms": 2 * float(d), "stats": stats, "rounds": int(rounds), "json": "results/rtt.json",
  "clients": [
    {"name": "angus-reuse (1 conn)", "kind": "bulk", "n": int(n), "argv": J + ["--mode", "angus-reuse"]},
    {"name": "herald-send (1 conn, one call per msg)", "kind": "bulk", "n": int(n),
     "argv": J + ["--mode", "herald-send", "--connections", "1"]},
    {"name": "herald-batch (1 conn, sendAll of %s)" % batch, "kind": "bulk", "n": int(n),
     "argv": J + ["--mode", "herald-batch", "--connections", "1", "--batch", batch]},
  ]}))
PY
{
  echo "## Round trips per message at RTT $((2 * DELAY_MS)) ms (N=$N per run, after $WARMUP warm-up messages straight to the sink)"
  machine_notes
  python3 "$SHARED/lib/rtt.py" <"$TMP/rtt-spec.json"
  python3 lib/targets.py rtt results/rtt.json
} | tee "$OUT"

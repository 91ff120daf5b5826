#!/usr/bin/env bash
# Profiles one sender with Java Flight Recorder (CPU samples every 10 ms, "profile" settings)
# against a loopback smtp-sink and prints its hottest methods (lib/jfrtop.py).
# usage: ./profile.sh [SEND ARGS...]     default: --mode herald-send --threads 1 --connections 1
#        env: N (30000) WARMUP (5000) FILTER (empty: every stack)
# The recording stays in target/tmp/profile.jfr (open it in JDK Mission Control for flame graphs).
source "$(dirname "$0")/lib/common.sh"
N=${N:-30000}; WARMUP=${WARMUP:-5000}; FILTER=${FILTER:-}
[ $# -gt 0 ] || set -- --mode herald-send --threads 1 --connections 1
build
start_sink "$SINK_PORT"
JFR="$TMP/profile.jfr"
java -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true \
  -cp "$CP" dev.herald.mail.bench.Send --port "$SINK_PORT" --n "$N" --warmup "$WARMUP" "$@" 2>&1 | grep -v '^\[' || true
python3 lib/jfrtop.py "$JFR" --threads ${FILTER:+--filter "$FILTER"}

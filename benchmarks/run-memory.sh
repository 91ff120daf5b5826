#!/usr/bin/env bash
# Memory: ONE message with a SIZE_MB MiB (random, so base64) file attachment under -Xmx$XMX.
# Herald (Email.attach(Path), SmtpTransport.send) vs Angus Mail (FileDataSource, Transport.send: the
# anchor's baseline). Reports exit status (FAILED = non-zero, e.g. OutOfMemoryError) and peak RSS
# (wait4 maxrss, ../shared/bench/lib/timecmd.py), then checks through a zero-delay counting proxy
# that each sent the whole message.
# usage: ./run-memory.sh        env: ROUNDS (3) SIZE_MB (50) XMX (32m)
source "$(dirname "$0")/lib/common.sh"
ROUNDS=${ROUNDS:-3}; SIZE_MB=${SIZE_MB:-50}; XMX=${XMX:-32m}
build
ATT="$TMP/attachment-${SIZE_MB}m.bin"
[ -s "$ATT" ] || head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$ATT"
start_sink "$SINK_PORT"
start_proxy "$PROXY_PORT" "$SINK_PORT" 0 "$TMP/memory-proxy.json"  # zero delay: only counts bytes
S="dev.herald.mail.bench.Send --n 1 --attach $ATT"
TAG="${SIZE_MB}m-xmx$XMX"
OUT="results/memory-$TAG.md"
{
  echo "## Memory: one message with a ${SIZE_MB} MiB attachment, -Xmx$XMX"
  machine_notes
  python3 "$SHARED/lib/timecmd.py" --rounds "$ROUNDS" --warmup 0 --baseline angus-file-xmx$XMX \
    --json "results/memory-$TAG.json" --title "${SIZE_MB} MiB attachment, -Xmx$XMX (FAILED = non-zero exit)" -- \
    angus-file-xmx$XMX      "java -Xmx$XMX -cp $CP $S --port $SINK_PORT --mode angus-per-msg" \
    herald-file-xmx$XMX     "java -Xmx$XMX -cp $CP $S --port $SINK_PORT --mode herald-send" \
    angus-file-default-heap "java -cp $CP $S --port $SINK_PORT --mode angus-per-msg" \
    herald-file-default-heap "java -cp $CP $S --port $SINK_PORT --mode herald-send"
  python3 lib/targets.py memory "results/memory-$TAG.json"
} 2>"$TMP/memory.err" | tee "$OUT"
{
  echo
  echo "why any failed run failed (count, first error line):"
  grep -E 'OutOfMemoryError|Exception' "$TMP/memory.err" | sed 's/^\[[^]]*\] exit [0-9]*: //' | sort | uniq -c | head -10 || true
  for m in angus-per-msg herald-send; do
    before=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['c2s_bytes'])" "$TMP/memory-proxy.json")
    java -Xmx$XMX -cp "$CP" $S --port "$PROXY_PORT" --mode $m >/dev/null
    sleep 0.3
    python3 - "$TMP/memory-proxy.json" "$before" "$(stat -c %s "$ATT")" "$m" <<'PY'
import json, sys
sent = json.load(open(sys.argv[1]))["c2s_bytes"] - int(sys.argv[2])
size, mode = int(sys.argv[3]), sys.argv[4]
b64 = (size + 2) // 3 * 4
print("- check: %s sent %d bytes in all; the attachment alone in base64 with CRLF every 76 chars is %d" % (mode, sent, b64 + b64 // 76 * 2))
PY
  done
} | tee -a "$OUT"

#!/usr/bin/env bash
# Start-up of `herald send`: ONE ~1 KB message per process to postfix's smtp-sink on 127.0.0.1, whole-process
# wall time, against python3 + smtplib doing the same in the same run, and what each JVM option gains.
# Uses the shared bench harness (lib/timecmd.py: interleaved rounds, medians, per-round paired ratios).
#
# usage: mail-cli/bench/run-startup.sh        env: ROUNDS (21), SINK_PORT (2626), BENCH (the shared bench dir),
#   JDK25 (a JDK 25+ home; default: the newest under /usr/lib/jvm, as bin/herald finds it; rows skipped without one),
#   BEFORE (optional: a copy of an older mail-cli/target, herald.jar + lib/, for a before/after row on JDK 17)
# needs: /usr/sbin/smtp-sink (the bench's setup.sh installs it), python3, a built CLI (bin/herald builds it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BENCH=${BENCH:-$root/../shared/bench}
ROUNDS=${ROUNDS:-21}
PORT=${SINK_PORT:-2626}
out=$here/results
tmp=$(mktemp -d)
sink=
mkdir -p "$out"
trap 'kill $sink 2>/dev/null || true; wait 2>/dev/null || true; cp "$tmp/sink.log" "$out/sink.log" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Builds the jar when there is none, and its start-up caches when needed (an existing jar is used as is):
# the AppCDS archive of JDK 17 (bin/herald with no newer JDK to find) and the AOT cache of the newest JDK.
if [ -f "$root/mail-cli/target/herald.jar" ]; then export HERALD_NO_BUILD=1; fi
HERALD_JDK_DIRS=/nonexistent "$root/bin/herald" --version >/dev/null
"$root/bin/herald" --version >/dev/null
unset HERALD_NO_BUILD
jar=$root/mail-cli/target/herald.jar
jsa=$root/mail-cli/target/herald.jsa
aot=$root/mail-cli/target/herald.aot
if [ -z "${JDK25:-}" ]; then
  for h in /usr/lib/jvm/*/; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$h/release" 2>/dev/null || true)
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then JDK25=${h%/}; fi
  done
fi

/usr/sbin/smtp-sink -u nobody "127.0.0.1:$PORT" 256 >"$tmp/sink.log" 2>&1 &
sink=$!
python3 - "$PORT" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("smtp-sink did not start")
PY

cat >"$tmp/herald.conf" <<CONF
herald.profile = sink
herald.profiles.sink { transport = smtp, host = "127.0.0.1", port = $PORT, tls = none, local-name = localhost, from = "bench@example.com" }
CONF
export HERALD_CONFIG=$tmp/herald.conf HERALD_NO_BUILD=1
# The baseline is the python3 interpreter itself: a version manager's shim in front of it (pyenv's is a
# bash script) would add its own start-up to python's side and flatter the ratio.
PY=$(python3 -c 'import sys; print(sys.executable)')
SEND="dev.herald.mail.cli.Main send --to sink@example.com --subject bench -q"
C1="-XX:TieredStopAtLevel=1"
SER="-XX:+UseSerialGC"
FEWJIT="-XX:CompileThresholdScaling=20"
CDS="-XX:SharedArchiveFile=$jsa -Xlog:cds=off"
# For comparison: a dynamic archive (-XX:ArchiveClassesAtExit) from the same training run. It cannot hold
# picocli (Java 5 class files), which the launcher's static archive (-Xshare:dump) can.
java $C1 $SER -XX:ArchiveClassesAtExit="$tmp/dynamic.jsa" -cp "$jar" dev.herald.mail.cli.Train >/dev/null 2>&1
DYN="-XX:SharedArchiveFile=$tmp/dynamic.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hi"); } }\n' >"$tmp/Hello.java"
javac -d "$tmp" "$tmp/Hello.java"
rows=()
HERALD17="env HERALD_JDK_DIRS=/nonexistent JAVA_HOME= $root/bin/herald"
if [ -n "${JDK25:-}" ]; then
  J25=$JDK25/bin/java
  rows+=(herald-jdk17-cds "$HERALD17 send --to sink@example.com --subject bench -q")
  rows+=(java25-plain "$J25 -cp $jar $SEND")
  rows+=(java25-all-fewjit-aot "$J25 $C1 $FEWJIT $SER -XX:-UsePerfData -XX:AOTCache=$aot -Xlog:aot=off -Xlog:cds=off -cp $jar $SEND")
  rows+=(java25-hello "$J25 $C1 $SER -XX:-UsePerfData -cp $tmp Hello")
fi
if [ -n "${BEFORE:-}" ]; then
  # The older build's own AppCDS archive, made as bin/herald makes it, in the temporary directory.
  java $C1 $SER -XX:DumpLoadedClassList="$tmp/before.lst" -cp "$BEFORE/herald.jar" dev.herald.mail.cli.Train >/dev/null 2>&1
  java $C1 $SER -Xshare:dump -XX:SharedClassListFile="$tmp/before.lst" -XX:SharedArchiveFile="$tmp/before.jsa" \
    -cp "$BEFORE/herald.jar" >/dev/null 2>&1
  rows+=(before-java17-all-fewjit "java $C1 $FEWJIT $SER -XX:SharedArchiveFile=$tmp/before.jsa -Xlog:cds=off -XX:-UsePerfData -cp $BEFORE/herald.jar $SEND")
fi
{
  echo "## herald send start-up: one message per process (whole-process wall time)"
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | head -1)${JDK25:+; newest JDK: $("$JDK25/bin/java" -version 2>&1 | head -1)}; python: $("$PY" --version 2>&1) (the interpreter itself, no shim)"
  echo "- herald = bin/herald (bash launcher + the newest JDK + java $C1 $FEWJIT $SER -XX:-UsePerfData + its AOT cache (JDK 25+) or static AppCDS archive); herald-jdk17-cds = the same with only JDK 17 to be found"
  echo
  python3 "$BENCH/lib/timecmd.py" --rounds "$ROUNDS" --warmup 2 --baseline python-smtplib --stdin "$BENCH/data/msg-1k.eml" \
    --json "$out/startup.json" --title "one message per process start, seconds (lower is better)" -- \
    python-smtplib        "$PY $BENCH/python/smtp_send.py --port $PORT --n 1" \
    herald                "$root/bin/herald send --to sink@example.com --subject bench -q" \
    herald-no-warmup      "env HERALD_JAVA_OPTS=-Dherald.warmup=false $root/bin/herald send --to sink@example.com --subject bench -q" \
    herald-sendmail       "$root/bin/herald sendmail -f bench@example.com sink@example.com" \
    "${rows[@]}" \
    java-plain            "java -cp $jar $SEND" \
    java-c1               "java $C1 -cp $jar $SEND" \
    java-c1-serial        "java $C1 $SER -cp $jar $SEND" \
    java-c1-serial-dyncds "java $C1 $SER $DYN -cp $jar $SEND" \
    java-c1-serial-cds    "java $C1 $SER $CDS -cp $jar $SEND" \
    java-c1-g1-cds        "java $C1 $CDS -cp $jar $SEND" \
    java-all              "java $C1 $SER $CDS -XX:-UsePerfData -cp $jar $SEND" \
    java-all-fewjit       "java $C1 $FEWJIT $SER $CDS -XX:-UsePerfData -cp $jar $SEND" \
    java-version-all      "java $C1 $SER $CDS -XX:-UsePerfData -cp $jar dev.herald.mail.cli.Main --version" \
    java-hello            "java $C1 $SER -XX:-UsePerfData -cp $tmp Hello" \
    python-floor          "$PY -c pass"
} | tee "$out/startup.md"
# The results are committed: keep this machine's paths out of them.
bench_abs=$(cd "$BENCH" && pwd -P)
sed -i -e "s#$PY#python3#g" -e "s#$bench_abs/#<shared>/bench/#g" -e "s#$BENCH/#<shared>/bench/#g" -e "s#$root/\.\./shared/#../shared/#g" -e "s#$root/##g" -e "s#${TMPDIR:-/tmp}/[^ \"]*#<tmp>#g" "$out/startup.json" "$out/startup.md"

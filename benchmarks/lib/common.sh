# Sourced by the benchmarks' run-*.sh scripts. Loopback only: every server here binds 127.0.0.1.
# Uses the anchor harness's Python tools where they sit on every machine and in CI: ../shared/bench
# from the repository root (timecmd.py, delayproxy.py, rtt.py; stdlib only, not copied here).
set -euo pipefail
HB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # benchmarks/
cd "$HB_DIR"
SHARED=${SHARED_BENCH:-../../shared/bench}                  # relative to benchmarks/
[ -f "$SHARED/lib/timecmd.py" ] || { echo "the anchor harness is missing at benchmarks/$SHARED (set SHARED_BENCH)" >&2; exit 1; }
SMTP_SINK=/usr/sbin/smtp-sink      # Debian package postfix (../shared/bench/setup.sh installs it)
# not 2525/2626: 2525 is `herald dev-server`'s default port, which tests running alongside may use
SINK_PORT=${SINK_PORT:-31525}
PROXY_PORT=${PROXY_PORT:-31626}
TMP=target/tmp                     # scratch (attachment file, proxy stats); target/ is not committed
mkdir -p "$TMP" results
PIDS=()

wait_port() { # wait until something accepts on 127.0.0.1:$1
  python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("nothing listens on 127.0.0.1:%s" % sys.argv[1])
PY
}

port_free() { # refuse to start a second listener on a busy port
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2)" "$1" 2>/dev/null; then
    echo "127.0.0.1:$1 is already in use: stop that listener or set SINK_PORT/PROXY_PORT" >&2; exit 1
  fi
}

start_sink() { # start_sink PORT [smtp-sink options...]; smtp-sink discards every message
  local port=$1; shift
  [ -x "$SMTP_SINK" ] || { echo "missing $SMTP_SINK: run ../shared/bench/setup.sh (Debian package postfix)" >&2; exit 1; }
  port_free "$port"
  "$SMTP_SINK" -u nobody "$@" "127.0.0.1:$port" 256 >"$TMP/sink-$port.log" 2>&1 &
  PIDS+=($!)
  wait_port "$port"
}

start_proxy() { # start_proxy LISTEN_PORT TARGET_PORT DELAY_MS STATS_FILE
  port_free "$1"
  python3 "$SHARED/lib/delayproxy.py" --listen "127.0.0.1:$1" --target "127.0.0.1:$2" --delay-ms "$3" --stats "$4" 2>>"$TMP/proxy-$1.log" &
  PIDS+=($!)
  wait_port "$1"
}

cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

build() { # builds this module with the working tree's mail-api and mail-smtp; sets CP
  if [ "${INSTALLED:-0}" = 1 ]; then
    mvn -q -B package                       # against mail-api and mail-smtp installed in ~/.m2
  else
    # One reactor with the modules it needs, through a throwaway aggregator: nothing is installed
    # into ~/.m2, and the figures are always those of the code in this checkout.
    mkdir -p target/reactor
    cat > target/reactor/pom.xml <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>dev.herald</groupId><artifactId>benchmarks-reactor</artifactId><version>0</version><packaging>pom</packaging>
  <modules><module>../../../herald-bom</module><module>../../../mail-api</module><module>../../../mail-testkit</module>
    <module>../../../mail-smtp</module><module>../..</module></modules>
</project>
POM
    mvn -q -B -Dmaven.test.skip=true -f target/reactor/pom.xml package
  fi
  CP="target/benchmarks-0.1.0-SNAPSHOT.jar:$(ls target/lib/*.jar | sort | tr '\n' ':' | sed 's/:$//')"
}

rounds() { # rounds TITLE BASELINE JSON NAME "COMMAND" [NAME "COMMAND"]...: interleaved rounds (ROUNDS, +1 warm-up), msgs/s medians, ratios paired per round
  local title=$1 baseline=$2 json=$3; shift 3
  python3 "$SHARED/lib/timecmd.py" --rounds "$ROUNDS" --warmup 1 --metric msgs_per_s --baseline "$baseline" \
    --json "$json" --title "$title" -- "$@"
}

machine_notes() {
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "- java: $(java -version 2>&1 | head -1); python: $(python3 --version 2>&1); postfix $(dpkg-query -W -f='${Version}' postfix 2>/dev/null || echo '?')"
  echo "- herald: git $(git -C .. log -1 --format=%h 2>/dev/null || echo '?'), mail-smtp jar of $(date -u -r "$(ls target/lib/mail-smtp-*.jar | head -1)" +%Y-%m-%dT%H:%MZ 2>/dev/null || echo '?')"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

#!/usr/bin/env bash
# The echo-polling cell of socketio-bench.sh alone, repeated: Duplex and Node's socket.io 4.8
# alternately, each server alone, RUNS times; per run the rate and the server's CPU time per round
# trip (all its threads: event loop, JIT compilers, GC — from /proc, over the warm-up and the
# measured run), then the medians. The CPU figure holds better than the rate on a shared machine.
#
#   duplex-benchmarks/scripts/socketio-polling.sh [RUNS=5] [ECHO_CLIENTS=50] [SECONDS=5]
#
# BEFORE=<another checkout, built> adds a third server each round: Duplex from that tree's classes
# (a before/after comparison in one run). Servers on CPU 0, the driver on CPU 1 (taskset). Linux
# only (/proc). Stops only the processes it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="$here/socketio"
java="${JAVA:-java}"
runs="${1:-5}" clients="${2:-50}" secs="${3:-5}"
cpu0=() cpu1=()
if command -v taskset >/dev/null; then cpu0=(taskset -c 0) cpu1=(taskset -c 1); fi
[[ -d "$dir/node_modules/socket.io" ]] || npm ci --prefix "$dir" --no-audit --no-fund >/dev/null
work="$(mktemp -d)"
(cd "$root" && mvn -o -q dependency:build-classpath -pl duplex-socketio -am -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
jars="$(tr ':' '\n' <"$work/cp.txt" | grep -v '/io/duplex/' | paste -sd: -)"
classes() { echo "$1/duplex-protocol/target/classes:$1/duplex-runtime/target/classes:$1/duplex-socketio/target/classes"; }
pid=""
cleanup() { [[ -z "$pid" ]] || kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# one NAME COMMAND...: starts the server on CPU 0, runs the cell, prints one JSON line.
one() {
  local name="$1" log="$work/server.log"
  shift
  "${cpu0[@]}" "$@" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -qE '^READY [0-9]+' "$log" && break; sleep 0.1; done
  local port
  port="$(grep -oE '^READY [0-9]+' "$log" | grep -oE '[0-9]+')" || { echo "$name did not start: $(cat "$log")" >&2; exit 1; }
  local t0 t1 out
  t0="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  out="$(POLLING_ONLY=1 "${cpu1[@]}" node "$dir/driver.js" "http://127.0.0.1:$port" "$clients" "$secs")"
  t1="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  python3 -c 'import json,sys,os
o=json.loads(sys.argv[1]); tick=os.sysconf("SC_CLK_TCK")
print(json.dumps({"server":sys.argv[2],"per_s":round(o["per_s"]),"cpu_us_per_round_trip":round((int(sys.argv[4])-int(sys.argv[3]))/tick*1e6/o["total"]),"load":open("/proc/loadavg").read().split()[0]}))' \
    "$out" "$name" "$t0" "$t1" | tee -a "$work/results.jsonl"
}

for i in $(seq 1 "$runs"); do
  if [[ -n "${BEFORE:-}" ]]; then
    one duplex-before "$java" -Xmx1g -XX:+UseG1GC -cp "$(classes "$BEFORE"):$jars" "$dir/SocketIoBenchServer.java" 0
  fi
  one duplex "$java" -Xmx1g -XX:+UseG1GC -cp "$(classes "$root"):$jars" "$dir/SocketIoBenchServer.java" 0
  one node node --expose-gc "$dir/node-server.js" 0
done

python3 - "$work/results.jsonl" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
print()
print("| server | runs | round trips/s (median, min–max) | server CPU µs per round trip (median) |")
print("|---|---:|---:|---:|")
for name in dict.fromkeys(r["server"] for r in rows):
    rs = [r for r in rows if r["server"] == name]
    rate = [r["per_s"] for r in rs]
    cpu = [r["cpu_us_per_round_trip"] for r in rs]
    print(f"| {name} | {len(rs)} | {statistics.median(rate):,.0f} ({min(rate):,}–{max(rate):,}) | {statistics.median(cpu):,.0f} |")
PY

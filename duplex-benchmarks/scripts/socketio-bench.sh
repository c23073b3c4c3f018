#!/usr/bin/env bash
# duplex-socketio against Node's socket.io 4.8 server, in the same run, with the same driver
# (socket.io-client 4.8 in Node, scripts/socketio/driver.js) and the same handlers
# (socketio/SocketIoBenchServer.java, socketio/node-server.js):
#
#   duplex-benchmarks/scripts/socketio-bench.sh [ECHO_CLIENTS=50] [SECONDS=5] [BROADCAST_CLIENTS=1000] [BROADCASTS=100]
#
# Cells: echo-websocket (emit with an ack, the next emit on the ack: round trips/s over
# WebSocket), echo-polling (the same over HTTP long-polling: each round trip is a POST and a poll
# answered), memory (RSS and heap growth per idle WebSocket client, each after a GC), broadcast
# (io.emit to every client: deliveries/s, best of 3 bursts). Servers on CPU 0, the driver on CPU 1
# when taskset exists. Needs the module's classes (mvn -o -q verify -pl duplex-socketio -am, or
# compile) and node; installs the npm packages of scripts/socketio (npm ci) if missing. Stops
# only the processes it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="$here/socketio"
java="${JAVA:-java}"
args=("${1:-50}" "${2:-5}" "${3:-1000}" "${4:-100}")
cpu0=() cpu1=()
if command -v taskset >/dev/null; then cpu0=(taskset -c 0) cpu1=(taskset -c 1); fi
[[ -d "$dir/node_modules/socket.io" ]] || npm ci --prefix "$dir" --no-audit --no-fund >/dev/null
for m in duplex-protocol duplex-runtime duplex-socketio; do
  [[ -d "$root/$m/target/classes" ]] || { echo "no $m/target/classes: build first" >&2; exit 2; }
done
work="$(mktemp -d)"
# The module's third-party jars (Jackson) from Maven; the Duplex modules from their target/classes.
(cd "$root" && mvn -o -q dependency:build-classpath -pl duplex-socketio -am -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
jars="$(tr ':' '\n' <"$work/cp.txt" | grep -v '/io/duplex/' | paste -sd: -)"
cp="$root/duplex-protocol/target/classes:$root/duplex-runtime/target/classes:$root/duplex-socketio/target/classes:$jars"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# start NAME COMMAND...: runs it on CPU 0, waits for "READY <port>", prints the port.
start() {
  local name="$1" log="$work/$1.log"
  shift
  "${cpu0[@]}" "$@" >"$log" 2>&1 &
  pids+=($!)
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 300); do
    grep -qE '^READY [0-9]+' "$log" && { grep -oE '^READY [0-9]+' "$log" | grep -oE '[0-9]+'; return 0; }
    sleep 0.1
  done
  echo "$name did not start: $(cat "$log")" >&2
  return 1
}

run() {
  local name="$1" port="$2"
  "${cpu1[@]}" node "$dir/driver.js" "http://127.0.0.1:$port" "${args[@]}" | sed "s/^{/{\"server\":\"$name\",/" \
    | tee -a "$work/results.jsonl"
  kill "$(cat "$work/$name.pid")"
}

port="$(start duplex "$java" -Xmx1g -XX:+UseG1GC -cp "$cp" "$dir/SocketIoBenchServer.java" 0)"
run duplex "$port"
port="$(start node node --expose-gc "$dir/node-server.js" 0)"
run node "$port"

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {(r["server"], r["cell"]): r for r in rows if "cell" in r}
print()
print("| cell | Duplex | Node socket.io | Duplex / Node |")
print("|---|---:|---:|---:|")
for cell, key, unit, better in [("echo-websocket", "per_s", "round trips/s", "higher"),
                                ("echo-polling", "per_s", "round trips/s", "higher"),
                                ("broadcast", "per_s", "deliveries/s", "higher"),
                                ("memory", "rss_kib_per_client", "RSS KiB/client", "lower"),
                                ("memory", "heap_kib_per_client", "heap KiB/client", "lower")]:
    d, n = by.get(("duplex", cell)), by.get(("node", cell))
    if not d or not n:
        continue
    dv, nv = d[key], n[key]
    ratio = (dv / nv) if better == "higher" else (nv / dv if dv > 0 else float("inf"))
    print(f"| {cell} ({unit}, {better} is better) | {dv:,.1f} | {nv:,.1f} | {ratio:.2f}× |")
PY

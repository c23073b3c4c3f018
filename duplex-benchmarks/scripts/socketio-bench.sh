#!/usr/bin/env bash
# duplex-socketio against Node's socket.io 4.8 server, in the same run, with the same driver
# (socket.io-client 4.8 in Node, scripts/socketio/driver.js) and the same handlers
# (socketio/SocketIoBenchServer.java, socketio/node-server.js):
#
#   duplex-benchmarks/scripts/socketio-bench.sh [ECHO_CLIENTS=50] [SECONDS=5] [BROADCAST_CLIENTS=1000] [BROADCASTS=100]
#
# Cells (each echo cell after ECHO_WARMUP=10 unmeasured seconds of the same load, as the JVM's JIT
# needs about that long on one CPU): echo-websocket (emit with an ack, the next emit on the ack: round trips/s over
# WebSocket), echo-polling (the same over HTTP long-polling: each round trip is a POST and a poll
# answered), memory (RSS and heap growth per idle WebSocket client, each after a GC), broadcast
# (io.emit to every client: deliveries/s, best of 3 bursts); then raw-echo-websocket and
# raw-echo-polling, the echo cells again with a driver that speaks the packets itself
# (raw-driver.js: [RAW_CLIENTS=50] clients, [RAW_IN_FLIGHT=16] events in flight each over WebSocket,
# one POST at a time over kept-alive polling connections) so that the server is the limit, with the
# server's CPU per round trip. Servers on CPU 0, the driver on CPU 1
# when taskset exists. Needs the module's classes (mvn -o -q verify -pl duplex-socketio -am, or
# compile) and node; installs the npm packages of scripts/socketio (npm ci) if missing. Stops
# only the processes it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="$here/socketio"
java="${JAVA:-java}"
args=("${1:-50}" "${2:-5}" "${3:-1000}" "${4:-100}")
RAW_CLIENTS="${RAW_CLIENTS:-50}" RAW_IN_FLIGHT="${RAW_IN_FLIGHT:-16}"
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

# The server's CPU time (all threads), in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
  local name="$1" port="$2" pid
  pid="$(cat "$work/$name.pid")"
  "${cpu1[@]}" node "$dir/driver.js" "http://127.0.0.1:$port" "${args[@]}" | sed "s/^{/{\"server\":\"$name\",/" \
    | tee -a "$work/results.jsonl"
  # The saturating cells (raw-driver.js): RAW_CLIENTS clients, RAW_IN_FLIGHT events in flight per
  # client over WebSocket, one per POST over polling (a round trip is a POST and a poll answered).
  local cell inflight before after
  for cell in raw-echo-websocket raw-echo-polling; do
    inflight="$RAW_IN_FLIGHT"
    [[ "$cell" == raw-echo-polling ]] && inflight=1
    before="$(ticks "$pid")"
    "${cpu1[@]}" node "$dir/raw-driver.js" "http://127.0.0.1:$port" "$cell" "$RAW_CLIENTS" "$inflight" \
      "${args[1]}" 2 >"$work/raw.json"
    after="$(ticks "$pid")"
    # CPU per round trip over warm-up and measurement: the rate times (warm-up + measured) seconds.
    python3 - "$work/raw.json" "$name" "$((after - before))" "$(getconf CLK_TCK)" "${args[1]}" <<'PY' \
      | tee -a "$work/results.jsonl"
import json, sys
r = json.load(open(sys.argv[1]))
ticks, hz, secs = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
r = {"server": sys.argv[2], **r}
r["server_cpu_us_per_round_trip"] = ticks / hz * 1e6 / (r["per_s"] * (secs + 2))
print(json.dumps(r))
PY
  done
  kill "$pid"
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
                                ("raw-echo-websocket", "per_s", "round trips/s, saturating driver", "higher"),
                                ("raw-echo-websocket", "server_cpu_us_per_round_trip", "server CPU µs/round trip", "lower"),
                                ("raw-echo-polling", "per_s", "round trips/s, saturating driver", "higher"),
                                ("raw-echo-polling", "requests_per_s", "HTTP requests/s", "higher"),
                                ("raw-echo-polling", "server_cpu_us_per_round_trip", "server CPU µs/round trip", "lower"),
                                ("broadcast", "per_s", "deliveries/s", "higher"),
                                ("memory", "rss_kib_per_client", "RSS KiB/client", "lower"),
                                ("memory", "heap_kib_per_client", "heap KiB/client", "lower")]:
    d, n = by.get(("duplex", cell)), by.get(("node", cell))
    if not d or not n:
        continue
    dv, nv = d[key], n[key]
    if dv <= 0 or nv <= 0:
        # A JVM's RSS can fall between the two readings (a GC returned heap to the OS).
        print(f"| {cell} ({unit}, {better} is better) | {dv:,.1f} | {nv:,.1f} | n/a |")
        continue
    ratio = (dv / nv) if better == "higher" else nv / dv
    print(f"| {cell} ({unit}, {better} is better) | {dv:,.1f} | {nv:,.1f} | {ratio:.2f}× |")
PY

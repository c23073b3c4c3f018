#!/usr/bin/env bash
# A reconnect storm: CLIENTS (10,000) subscribers of one topic see a publication, all disconnect,
# MISSED (100) publications are made, and all reconnect at once and resume with their last
# position. Prints the time until every subscriber has exactly what it missed (checked) and the
# server's resident memory before the storm and at its peak.
#
#   duplex-benchmarks/scripts/reconnect-storm.sh
#
# The server is `duplex serve --topics --history 'storm=1000/10m'` (in memory; pinned to CPU 0
# when taskset exists), the clients `io.duplex.benchmarks.ReconnectStorm` from the benchmarks jar
# (pinned to CPU 1). Env: JAR, BENCH_JAR (duplex-benchmarks/target/benchmarks.jar), CLIENTS, MISSED.
# Stops only what it started, by PID.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_jar="${BENCH_JAR:-$root/duplex-benchmarks/target/benchmarks.jar}"
[[ -f "$bench_jar" ]] || { echo "no $bench_jar: mvn -pl duplex-benchmarks -am package -DskipTests" >&2; exit 2; }
clients="${CLIENTS:-10000}"
missed="${MISSED:-100}"

log="$work/serve.log"
"${cpu0[@]}" "$java" -Xmx2g -XX:+UseG1GC -jar "$work/duplex.jar" serve --topics --quiet --host 127.0.0.1 --port 0 \
  --history 'storm=1000/10m' >"$log" 2>&1 &
echo $! >"$work/serve.pid"
port=""
for _ in $(seq 1 200); do
  port="$(grep -oE 'READY duplex port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$log" >&2; exit 1; }

"${cpu1[@]}" "$java" -Xmx4g -cp "$bench_jar" io.duplex.benchmarks.ReconnectStorm \
  "ws://127.0.0.1:$port/topics" "$clients" "$missed" "$(cat "$work/serve.pid")"

#!/usr/bin/env bash
# What an idle connection costs `duplex serve`, with and without permessage-deflate (RFC 7692).
#
#   duplex-benchmarks/scripts/idle-footprint.sh [CONNECTIONS]      (default 10000)
#
# For each case a fresh server (pinned to CPU 0 when taskset exists) takes CONNECTIONS from
# `duplex bench --mode idle` (pinned to CPU 1), held HOLD seconds (default 3); the bench reads the
# server's RSS from /proc and, through --hook, its live heap after a full GC (jcmd). Cases:
#   plain        no compression offered
#   deflate      compression negotiated (no context takeover, the default), never used
#   deflate+msg  as deflate, after one 2 KiB (compressed) message each way on every connection
#   takeover+msg context takeover allowed both ways (no budget), after one 2 KiB message each way
# Prints one JSON line per case (duplex bench --json, plus "case") and a table. Needs the CLI jar
# (JAR=..., default duplex-cli/target/duplex-cli.jar; build it with ./duplex --version). Stops
# only the servers it started, by PID.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${JAR:-$root/duplex-cli/target/duplex-cli.jar}"
conns="${1:-10000}"
hold="${HOLD:-3}"
java="${JAVA:-java}"
jcmd="${JCMD:-jcmd}"
[[ -f "$jar" ]] || { echo "no $jar: run ./duplex --version first (it builds the jar)" >&2; exit 2; }
work="$(mktemp -d)"
cp "$jar" "$work/duplex.jar" # a rebuild during the run must not pull the jar away
# Pinning by prefix, not by a shell function: a backgrounded function would run in a subshell
# and $! would be the subshell's PID, not the server's.
cpu0=() cpu1=()
if command -v taskset >/dev/null; then cpu0=(taskset -c 0) cpu1=(taskset -c 1); fi

server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Starts `duplex serve --echo` with extra options; sets server_pid and server_port.
start_server() {
  : >"$work/serve.log"
  "${cpu0[@]}" "$java" -Xmx2g -XX:+UseG1GC -jar "$work/duplex.jar" serve --echo --quiet --host 127.0.0.1 --port 0 "$@" \
    >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    server_port="$(grep -oE 'READY duplex port=[0-9]+' "$work/serve.log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$server_port" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "duplex serve did not get ready in 20 s" >&2; exit 1
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

run_case() {
  local name="$1" serve_opts="$2" bench_opts="$3"
  # shellcheck disable=SC2086
  start_server $serve_opts
  local hook="$jcmd $server_pid GC.run >/dev/null && $jcmd $server_pid GC.heap_info | grep -m1 -oE 'used [0-9]+K'"
  # shellcheck disable=SC2086
  "${cpu1[@]}" "$java" -jar "$work/duplex.jar" bench "ws://127.0.0.1:$server_port/" --mode idle -c "$conns" \
    --hold "$hold" --pid "$server_pid" --hook "$hook" --timeout 60 --json $bench_opts \
    | sed "s/^{/{\"case\":\"$name\",/" | tee -a "$work/results.jsonl"
  stop_server
}

run_case plain "" ""
run_case deflate "" "--compress"
run_case deflate+msg "" "--compress --touch --size 2k"
run_case takeover+msg "--context-takeover" "--compress --context-takeover --touch --size 2k"

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print()
print("| case | connections | handshakes/s | RSS KiB/conn | live heap KiB/conn | negotiated |")
print("|---|---:|---:|---:|---:|---|")
for r in rows:
    ext = "; ".join(f"{n:,} × {a or 'none'}" for a, n in r["extensions"].items())
    print(f"| {r['case']} | {r['opened']:,} | {r['handshakes_per_s']:,.0f} | {r['kib_per_conn']:.2f} "
          f"| {r['hook_kib_per_conn']:.2f} | {ext} |")
PY

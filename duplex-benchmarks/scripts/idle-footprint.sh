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

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
conns="${1:-10000}"
hold="${HOLD:-3}"
jcmd="${JCMD:-jcmd}"

run_case() {
  local name="$1" serve_opts="$2" bench_opts="$3"
  local port pid
  # shellcheck disable=SC2086
  port="$(serve_start server $serve_opts)"
  pid="$(serve_pid server)"
  local hook="$jcmd $pid GC.run >/dev/null && $jcmd $pid GC.heap_info | grep -m1 -oE 'used [0-9]+K'"
  # shellcheck disable=SC2086
  "${cpu1[@]}" "$java" -jar "$work/duplex.jar" bench "ws://127.0.0.1:$port/" --mode idle -c "$conns" \
    --hold "$hold" --pid "$pid" --hook "$hook" --timeout 60 --json $bench_opts \
    | sed "s/^{/{\"case\":\"$name\",/" | tee -a "$work/results.jsonl"
  serve_stop server
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

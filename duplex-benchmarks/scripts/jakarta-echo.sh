#!/usr/bin/env bash
# Echo through a Jakarta WebSocket endpoint on Duplex vs the native Duplex API vs Tyrus, in one run
# (docs/performance.md, "Jakarta WebSocket"; docs/jakarta.md).
#
# Servers (io.duplex.jakarta.bench.EchoServers, from duplex-jakarta's test class path, one event
# loop each, pinned to CPU 0):
#   jakarta       EchoEndpoint (@OnMessage String -> return value) on JakartaServer (endpoints on
#                 its handler executor: the default)
#   jakarta-loop  the same endpoint added to a server without handler executor (on the event loop)
#   native        WebSocketHandler.echo() on a Duplex server
#   tyrus         the same EchoEndpoint on Tyrus 2.1 (standalone Grizzly)
# Load: duplex bench (CPU 1), 32-byte text messages, 100 connections x 16 in flight and 100 x 1.
# Each repetition starts every server in turn (the order rotates), so a slow spell of a loaded
# machine hits all of them; medians and ranges over REPS repetitions.
#
# Before (in this worktree): mvn -o -q package -pl duplex-cli -am -DskipTests
#                            mvn -o -q test-compile -pl duplex-jakarta -am
# Usage:  duplex-benchmarks/scripts/jakarta-echo.sh        (REPS=3 DURATION=10s WARMUP=3s)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reps="${REPS:-3}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-3s}"
servers=(${SERVERS:-jakarta jakarta-loop native tyrus})
loads=("100 16" "100 1")

module="$root/duplex-jakarta"
[[ -d "$module/target/test-classes/io/duplex/jakarta/bench" ]] ||
  { echo "no test classes: mvn -o -q test-compile -pl duplex-jakarta -am" >&2; exit 2; }
(cd "$root" && mvn -o -q dependency:build-classpath -pl duplex-jakarta -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
# This worktree's Duplex modules, never the shared ~/.m2 SNAPSHOTs (another build may be
# installing them), and copies of them, so that a rebuild during the run does not change what runs.
cp_all="$(python3 - "$root" "$work" "$(cat "$work/cp.txt")" <<'PY'
import os, re, shutil, sys
root, work, cp = sys.argv[1], sys.argv[2], sys.argv[3]
module = {"duplex": "duplex-runtime"}
out = []
for name, classes in [("jakarta-test", "duplex-jakarta/target/test-classes"),
                      ("jakarta", "duplex-jakarta/target/classes")]:
    shutil.copytree(os.path.join(root, classes), os.path.join(work, name))
    out.append(os.path.join(work, name))
for entry in cp.split(":"):
    m = re.search(r"/io/duplex/([^/]+)/[^/]+/[^/]+?(-tests)?\.jar$", entry)
    if m:
        artifact, tests = m.group(1), m.group(2)
        src = os.path.join(root, module.get(artifact, artifact), "target", "test-classes" if tests else "classes")
        dst = os.path.join(work, artifact + ("-tests" if tests else ""))
        shutil.copytree(src, dst)
        entry = dst
    out.append(entry)
print(":".join(out))
PY
)"

start_server() { # NAME -> port
  local name="$1" log="$work/server-$1.log"
  "${cpu0[@]}" "$java" -Xmx1g -XX:+UseG1GC -cp "$cp_all" io.duplex.jakarta.bench.EchoServers "$name" 1 \
    >"$log" 2>&1 &
  echo $! >"$work/$name.pid"
  local port
  for _ in $(seq 1 300); do
    port="$(grep -oE 'READY port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

results="$work/results.tsv"
echo -e "rep\tserver\tconnections\tpipeline\tmsgs_per_s\tp50_us\tp99_us\terrors" >"$results"
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for rep in $(seq 1 "$reps"); do
  count=${#servers[@]}
  for i in $(seq 0 $((count - 1))); do
    server="${servers[$(((i + rep - 1) % count))]}"
    port="$(start_server "$server")"
    for load in "${loads[@]}"; do
      read -r c p <<<"$load"
      json="$("${cpu1[@]}" "$java" -jar "$work/duplex.jar" bench "ws://127.0.0.1:$port/echo" \
        -c "$c" -p "$p" -s 32 -d "$duration" -w "$warmup" --event-loops 1 --json)"
      line="$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); l=r["latency_us"];
print("\t".join(str(x) for x in [r["msgs_per_s"], l["p50"], l["p99"], r["errors"]]))' "$json")"
      echo -e "$rep\t$server\t$c\t$p\t$line" | tee -a "$results" >&2
    done
    serve_stop "$server"
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def runs(server, c, p):
    return sorted(float(r["msgs_per_s"]) for r in rows
                  if r["server"] == server and r["connections"] == c and r["pipeline"] == p)
loads = sorted({(r["connections"], r["pipeline"]) for r in rows}, key=lambda l: -int(l[1]))
servers = list(dict.fromkeys(r["server"] for r in rows))
print("| load | server | msgs/s median | range (min–max) | p99 µs median |")
print("|---|---|---:|---:|---:|")
med = {}
for c, p in loads:
    for s in servers:
        v = runs(s, c, p)
        if not v:
            continue
        med[(s, c, p)] = statistics.median(v)
        p99 = statistics.median(float(r["p99_us"]) for r in rows
                                if r["server"] == s and r["connections"] == c and r["pipeline"] == p)
        print(f"| {c}×{p}×32 B | {s} | {med[(s, c, p)]:,.0f} | {v[0]:,.0f}–{v[-1]:,.0f} | {p99:,.0f} |")
print()
for c, p in loads:
    for a, b in [("jakarta", "native"), ("jakarta", "tyrus"), ("jakarta-loop", "native"), ("native", "tyrus")]:
        if (a, c, p) in med and (b, c, p) in med:
            print(f"{c}×{p}: {a}/{b} = {med[(a, c, p)] / med[(b, c, p)]:.2f}")
PY

#!/usr/bin/env bash
# Heap bytes a server allocates per WebSocket connection that opens, idles a second and closes
# (accept, the opening handshake, the engine, ticks, the close), and the live heap it keeps.
#
#   WSLOAD=path/to/wsload duplex-benchmarks/scripts/handshake-alloc.sh [JAR...]
#
# Each JAR (default: the CLI jar) gets its own `duplex serve --echo`, pinned to CPU 0, with
# -Xms2g -Xmx2g -Xmn1536m and G1: a batch allocates far less than that young generation, so no
# collection runs inside one. Then BATCHES rounds (default 6), the servers taking turns: `jcmd
# GC.run` empties eden, `wsload connect -c CONNS --hold 1` (default 10000; pinned to CPU 1) opens
# the connections, holds them and closes them, and the young regions G1 filled since
# (`GC.heap_info`, 1 MiB each) are what the batch allocated. Also per batch: wsload's handshakes/s
# and the server's CPU per connection (/proc/PID/stat, the whole batch). The first rounds are the
# JIT's warm-up; read the last ones. A final batch per server reads the live heap per held
# connection after a full GC (wsload --hook). With AP=path/to/libasyncProfiler.so, one more batch
# per server is sampled (event=alloc, every 256 bytes) and its top allocation sites printed in
# bytes per connection. Stops only the servers it started, by PID.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wsload="${WSLOAD:?set WSLOAD to the wsload binary (make in its directory)}"
conns="${CONNS:-10000}"
batches="${BATCHES:-6}"
jcmd="${JCMD:-jcmd}"
(($# > 0)) || set -- "$jar"

names=() pids=() ports=()
for j in "$@"; do
  n="$(basename "$j" .jar)"
  cp "$j" "$work/$n.jar"
  "${cpu0[@]}" "$java" -Xms2g -Xmx2g -Xmn1536m -XX:+UseG1GC -jar "$work/$n.jar" serve --echo --quiet \
    --host 127.0.0.1 --port 0 >"$work/$n.log" 2>&1 &
  echo $! >"$work/$n.pid"
  port=""
  for _ in $(seq 1 200); do
    port="$(grep -oE 'READY duplex port=[0-9]+' "$work/$n.log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$work/$n.log" >&2; exit 1; }
  names+=("$n") pids+=("$(cat "$work/$n.pid")") ports+=("$port")
done

young_kib() { "$jcmd" "$1" GC.heap_info | grep -oE '[0-9]+ young \([0-9]+K\)' | grep -oE '\([0-9]+' | tr -d '('; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { grep -oE "(^| )$1=[^ ]+" | cut -d= -f2; }

printf '%-24s %5s %16s %14s %18s\n' server batch "alloc B/conn" handshakes/s "server CPU us/conn"
for b in $(seq 1 "$batches"); do
  for i in "${!names[@]}"; do
    pid="${pids[$i]}"
    "$jcmd" "$pid" GC.run >/dev/null
    y0="$(young_kib "$pid")" t0="$(cpu_ticks "$pid")"
    out="$("${cpu1[@]}" "$wsload" connect --port "${ports[$i]}" -c "$conns" --hold 1 --pid "$pid" 2>&1 | tail -1)"
    y1="$(young_kib "$pid")" t1="$(cpu_ticks "$pid")"
    printf '%-24s %5d %16d %14s %18d\n' "${names[$i]}" "$b" $(((y1 - y0) * 1024 / conns)) \
      "$(field handshakes_per_s <<<"$out")" $(((t1 - t0) * 1000000 / $(getconf CLK_TCK) / conns))
  done
done

for i in "${!names[@]}"; do
  pid="${pids[$i]}"
  hook="$jcmd $pid GC.run >/dev/null && $jcmd $pid GC.heap_info | grep -m1 -oE 'used [0-9]+K' | grep -oE '[0-9]+'"
  out="$("${cpu1[@]}" "$wsload" connect --port "${ports[$i]}" -c "$conns" --hold 2 --pid "$pid" --hook "$hook" 2>&1 | tail -1)"
  echo "${names[$i]}: live heap $(field hook_kib_per_conn <<<"$out") KiB per held connection"
done

[[ -n "${AP:-}" ]] || exit 0
for i in "${!names[@]}"; do
  pid="${pids[$i]}" n="${names[$i]}"
  "$jcmd" "$pid" JVMTI.agent_load "$AP" '"start,event=alloc,alloc=256"' >/dev/null
  "${cpu1[@]}" "$wsload" connect --port "${ports[$i]}" -c "$conns" --hold 1 >/dev/null 2>&1
  "$jcmd" "$pid" JVMTI.agent_load "$AP" "\"stop,file=$work/$n.collapsed,collapsed,total\"" >/dev/null
  echo "$n: bytes allocated per connection, by step and by site (sampled)"
  python3 - "$work/$n.collapsed" "$conns" <<'EOF'
import collections, sys
# What each allocation was for, by the innermost frame that names a step (else the connection's own).
steps = [
    ("close handshake (engine, socket)", ["Protocol.onCloseFrame", "Protocol.writeClose", "ClosedException"]),
    ("request head: parser, lines, fields", ["HttpHeadParser", "HeadVocabulary", "Headers$Builder", "Headers$Field", "HttpHead$Request"]),
    ("validation: header queries, key, negotiation", ["ServerHandshake.validate", "ServerHandshake$Target", "Headers.all", "Headers.tokens", "Headers.trim", "AcceptKey.isValidKey", "ExtensionNegotiation", "Outcome$Accepted"]),
    ("101 response: accept value, head bytes", ["ServerHandshake.response", "HttpHead.encode", "AcceptKey.of", "HeadWriter", "Connection.writeRaw"]),
    ("engine and handle installed (live until the close)", ["Connection.open", "WebSocketImpl.<init>", "io.duplex.internal.WebSocketImpl_[i]"]),
    ("upgrade in the runtime: route, decision, request", ["ServerUpgrade.onData", "ServerSettings.route", "UpgradeDecision", "UpgradeRequest", "ServerUpgrade.decided"]),
]
def step(frames):
    if frames[-1].startswith("io.duplex.internal.EventLoop$$Lambda"):
        return "a lambda per connection per tick"
    for frame in reversed(frames):
        for name, keys in steps:
            if any(k in frame for k in keys):
                return name
    return "the connection itself: JDK socket, selector, our per-connection objects"
by_step, sites, total = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(" ", 1)
    frames, n = stack.split(";"), int(n)
    total += n
    by_step[step(frames)] += n
    ours = [i for i, f in enumerate(frames) if f.startswith(("io/duplex", "io.duplex"))]
    i = ours[-1] if ours else max(len(frames) - 3, 0)
    callee = frames[i + 1] if i + 1 < len(frames) - 1 else ""
    sites[(frames[i] + (" > " + callee if callee else ""), frames[-1].removesuffix("_[i]"))] += n
per = float(sys.argv[2])
print(f"  {total / per:6.0f}  total (sampled)")
for name, n in by_step.most_common():
    print(f"  {n / per:6.0f}  {name}")
print("  top sites (the innermost frame of ours and its callee):")
for (site, cls), n in sites.most_common(20):
    print(f"  {n / per:6.0f}  {site}  [{cls}]")
EOF
done

#!/usr/bin/env bash
# One cell of the peer harness, alone, servers taking turns: what "each cell alone" in
# docs/performance.md ran to compare two Duplex builds and uWebSockets without the matrix's
# one-repeat spread.
#
#   WSLOAD=path/to/wsload [UWS_BIN=path/to/uws_echo] \
#     duplex-benchmarks/scripts/cells-alone.sh CELL ROUNDS TARGET...
#
# CELL is the harness's a (echo 100 x 16 x 32 B text), b (echo 100 x 1 x 32 B), c (echo 10 x 4 x
# 64 KiB binary), e (broadcast to 1,000, window 16, 64 B) or d (handshakes: BATCHES, default 5,
# batches of 10,000 connections that open and close on the fresh server, each printed as
# handshakes/s / server CPU µs per connection, the CPU read from /proc/PID/stat over the batch and
# the second after it, while its connections close). A TARGET is a CLI jar (a fresh `duplex
# serve --echo` with -Xmx2g and G1, as the harness starts Duplex) or `uws` (UWS_BIN, built by hand
# outside this repository). For each of ROUNDS rounds, each target in turn gets a fresh server on
# CPU 0, two unmeasured 4 s runs, then one measured 5 s run (2 s warm-up) of `wsload` on CPU 1
# with --pid (so srv_cpu is the server's). Prints one line per run. Stops only the servers it
# started, by PID.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wsload="${WSLOAD:?set WSLOAD to the wsload binary (make in its directory)}"
(($# >= 3)) || { echo "usage: cells-alone.sh a|b|c|e ROUNDS TARGET..." >&2; exit 2; }
cell="$1" rounds="$2"
shift 2
case "$cell" in
  a) args=(echo -c 100 -p 16 -s 32 --text) ;;
  b) args=(echo -c 100 -p 1 -s 32 --text) ;;
  c) args=(echo -c 10 -p 4 -s 65536 --binary) ;;
  e) args=(broadcast -c 1000 -p 16 --rate 0 -s 64) ;;
  d) args=(connect -c 10000 --hold 0 --settle 0) ;;
  *) echo "unknown cell $cell (a, b, c, d or e)" >&2; exit 2 ;;
esac

# Starts TARGET on CPU 0; sets $port and leaves its PID in $work/alone.pid.
start() {
  local target="$1" log="$work/alone.log"
  if [[ "$target" == uws ]]; then
    local bin="${UWS_BIN:?set UWS_BIN to uws_echo}"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    "${cpu0[@]}" "$bin" "$port" >"$log" 2>&1 &
    echo $! >"$work/alone.pid"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
      sleep 0.1
    done
  else
    "${cpu0[@]}" "$java" -Xmx2g -XX:+UseG1GC -jar "$target" serve --echo --quiet --host 127.0.0.1 \
      --max-message 64m --port 0 >"$log" 2>&1 &
    echo $! >"$work/alone.pid"
    for _ in $(seq 1 200); do
      port="$(grep -oE 'READY duplex port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
      [[ -n "$port" ]] && return 0
      sleep 0.1
    done
  fi
  cat "$log" >&2
  exit 1
}

for ((r = 1; r <= rounds; r++)); do
  for target in "$@"; do
    start "$target"
    pid="$(cat "$work/alone.pid")"
    if [[ "$cell" == d ]]; then
      printf 'round=%s target=%s batches(handshakes/s / CPU µs per connection)=' "$r" "$(basename "$target")"
      for _ in $(seq 1 "${BATCHES:-5}"); do
        before="$(awk '{print $14 + $15}' "/proc/$pid/stat")" # utime + stime, in 1/100 s
        rate="$("${cpu1[@]}" "$wsload" "${args[@]}" --port "$port" | grep -oE 'handshakes_per_s=[0-9]+' | cut -d= -f2)"
        sleep 1
        after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
        printf '%s/%s ' "$rate" "$((after - before))" # 10 ms ticks per 10,000 connections = µs each
      done
      echo
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$work/alone.pid"
      continue
    fi
    for _ in 1 2; do
      "${cpu1[@]}" "$wsload" "${args[@]}" --port "$port" -d 4 -w 1 >/dev/null 2>&1 || true
    done
    printf 'round=%s target=%s ' "$r" "$(basename "$target")"
    "${cpu1[@]}" "$wsload" "${args[@]}" --port "$port" -d 5 -w 2 --pid "$pid" 2>&1 \
      | grep -oE '(msgs_per_s|mb_per_s|deliveries_per_s|p50_us|p99_us|conn_min_share|lg_cpu|srv_cpu|other_procs_cpu)=[^ ]+' \
      | tr '\n' ' '
    echo
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$work/alone.pid"
  done
done

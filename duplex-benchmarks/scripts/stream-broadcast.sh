#!/usr/bin/env bash
# What streams cost over plain publish/subscribe: broadcast to 1,000 members on /bcast, plain
# (`duplex serve --echo`), on a stream topic without history (`--bcast-history 0`: offsets and
# per-subscriber ordering only) and with history (`--bcast-history 1000`), each in memory and
# through Redis (RedisBroker, or RedisStreamEngine for the stream cases).
#
#   duplex-benchmarks/scripts/stream-broadcast.sh
#
# Starts its own redis-server on a free loopback port (no persistence) and the servers (pinned to
# CPU 0 when taskset exists); the load generator, `duplex bench --mode broadcast` (pinned to CPU
# 1), runs the harness's cell (e): 1,000 members, 64 B text, 16 of the publisher's own copies in
# flight, closed loop. With WSLOAD=path/to/wsload every case is also driven by the C load
# generator. The cases run in turn REPEATS times (default 3); the table shows medians with the
# range. Env: JAR, CONNS (1000), WINDOW (16), DUR (7), WARM (2), REPEATS, REDIS_SERVER. Stops only
# what it started, by PID.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=broadcast-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/broadcast-lib.sh"

redis="redis://127.0.0.1:$redis_port"

case_run() {
  local name="$1"
  shift
  local a
  a="$(serve_start node "$@")"
  bench "$name" "ws://127.0.0.1:$a/bcast"
  wsload "$name" "$a"
  serve_stop node
}

for round in $(seq 1 "$repeats"); do
  case_run "in memory, plain" 
  case_run "in memory, stream, no history" --bcast-history 0
  case_run "in memory, stream, history 1000" --bcast-history 1000
  case_run "Redis, plain" --redis "$redis"
  case_run "Redis, stream, no history" --redis "$redis" --bcast-history 0
  case_run "Redis, stream, history 1000" --redis "$redis" --bcast-history 1000
done

summarize

#!/usr/bin/env bash
# Broadcast to 1,000 members: one `duplex serve` node in memory, one node through Redis, and two
# nodes through Redis (members split between them, the publisher on the first).
#
#   duplex-benchmarks/scripts/redis-broadcast.sh
#
# Starts its own redis-server on a free loopback port (no persistence) and the servers (all pinned
# to CPU 0 when taskset exists: the same server CPU budget in every case); the load generator,
# `duplex bench --mode broadcast` (pinned to CPU 1), runs the harness's cell (e): 1,000 members,
# 64 B text, 16 of the publisher's own copies in flight, closed loop. With WSLOAD=path/to/wsload,
# the single-URL cases are also driven by the C load generator. The cases run in turn REPEATS
# times (default 3); the table shows medians with the range. Env: JAR, CONNS (1000), WINDOW (16),
# DUR (7), WARM (2), REPEATS, REDIS_SERVER. Stops only what it started, by PID.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=broadcast-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/broadcast-lib.sh"

redis="redis://127.0.0.1:$redis_port"

for round in $(seq 1 "$repeats"); do
  a="$(serve_start one)"
  bench "1 node, in memory" "ws://127.0.0.1:$a/bcast"
  wsload "1 node, in memory" "$a"
  serve_stop one

  a="$(serve_start one --redis "$redis")"
  bench "1 node, through Redis" "ws://127.0.0.1:$a/bcast"
  wsload "1 node, through Redis" "$a"
  serve_stop one

  a="$(serve_start a --redis "$redis")"
  b="$(serve_start b --redis "$redis")"
  bench "2 nodes, through Redis" "ws://127.0.0.1:$a/bcast" "ws://127.0.0.1:$b/bcast"
  serve_stop a b
done

summarize

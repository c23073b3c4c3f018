#!/usr/bin/env bash
# Healthy subscribers beside peers that never read, with a small direct-memory cap: the server
# (`duplex serve --echo`, -XX:MaxDirectMemorySize=64m by default) broadcasts on /bcast to 1,000
# healthy members driven by `duplex bench --mode broadcast`, first alone (baseline), then with 50
# more members that complete the handshake and never read a byte (a receive buffer of 4 KiB).
# Reports per phase the healthy members' deliveries/s, p50/p99 and errors, whether the server's
# log holds an OutOfMemoryError, and how many non-readers the server dropped (their sockets
# ended) — each is dropped once it holds its outbound limit or, sooner, once the server-wide
# outbound budget is spent.
#
#   duplex-benchmarks/scripts/slow-readers-soak.sh
#
# Env: JAR, CONNS (1000), NON_READERS (50), DUR (60, seconds per phase), DIRECT (64m), WINDOW (16),
# SIZE (512 bytes per message: large enough that the non-readers fill the kernel's buffers and
# their outbound limit within the phase).
# Stops only what it started, by PID. Not part of `mvn verify` (it takes minutes).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

conns="${CONNS:-1000}"
non_readers="${NON_READERS:-50}"
dur="${DUR:-60}"
direct="${DIRECT:-64m}"
window="${WINDOW:-16}"
size="${SIZE:-512}"

start_server() {
  local log="$work/serve.log"
  "${cpu0[@]}" "$java" -Xmx512m -XX:MaxDirectMemorySize="$direct" -XX:+UseG1GC -jar "$work/duplex.jar" \
    serve --echo --quiet --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  echo $! >"$work/node.pid"
  for _ in $(seq 1 200); do
    port="$(grep -oE 'READY duplex port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$port" ]] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

phase() {
  local name="$1"
  "${cpu1[@]}" "$java" -jar "$work/duplex.jar" bench "ws://127.0.0.1:$port/bcast" --mode broadcast \
    -c "$conns" -p "$window" -s "$size" -d "$dur" -w 2 --json | sed "s/^{/{\"case\":\"$name\",/" \
    | tee -a "$work/results.jsonl"
}

start_server
phase "healthy only"

# The non-readers: raw sockets that upgrade on /bcast and then never read; they report, when
# told to stop (SIGTERM), how many of them the server ended (EOF or reset on a 0-byte peek).
python3 - "$port" "$non_readers" "$work/non-readers.out" <<'PY' &
import base64, os, signal, socket, sys, time
port, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for i in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /bcast HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
    socks.append(s)
def report(*_):
    ended = 0
    for s in socks:
        try:
            s.setblocking(False)
            # Draining what the small buffer holds tells an ended socket (EOF/reset) from an open one.
            while True:
                b = s.recv(65536)
                if not b:
                    ended += 1
                    break
        except BlockingIOError:
            pass
        except OSError:
            ended += 1
    open(out, "w").write("%d of %d non-readers ended by the server\n" % (ended, len(socks)))
    sys.exit(0)
signal.signal(signal.SIGTERM, report)
while True:
    time.sleep(1)
PY
echo $! >"$work/non-readers.pid"
phase "with $non_readers non-readers"
kill "$(cat "$work/non-readers.pid")"
for _ in $(seq 1 50); do [[ -s "$work/non-readers.out" ]] && break; sleep 0.1; done
rm -f "$work/non-readers.pid"

echo
python3 - "$work/results.jsonl" <<'PY'
import json, sys
print("| phase | deliveries/s | p50 µs | p99 µs | errors |")
print("|---|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    print("| %s | %.0f | %s | %s | %s |" % (r["case"], r["deliveries"] / r["duration_s"],
          r["latency_us"]["p50"], r["latency_us"]["p99"], r["errors"]))
PY
cat "$work/non-readers.out" 2>/dev/null || echo "non-readers: no report"
if grep -q OutOfMemoryError "$work/serve.log"; then
  echo "server log: OutOfMemoryError" && grep -m3 OutOfMemoryError "$work/serve.log"
else
  echo "server log: no OutOfMemoryError"
fi
echo "server RSS after the run: $(awk '/VmRSS/ {print $2, $3}' "/proc/$(serve_pid node)/status")"

# Shared by the broadcast scripts here (sourced after lib.sh, not run): cell (e)'s parameters
# from the environment, a redis-server of their own on a free loopback port (no persistence),
# `bench NAME URL...` (duplex bench, pinned to CPU 1) and `wsload NAME PORT` (the C load generator
# when WSLOAD is set) appending JSON lines to $work/results.jsonl, and `summarize`, the table of
# medians with ranges.
conns="${CONNS:-1000}"
window="${WINDOW:-16}"
dur="${DUR:-7}"
warm="${WARM:-2}"
repeats="${REPEATS:-3}"
redis_server="${REDIS_SERVER:-redis-server}"
command -v "$redis_server" >/dev/null || { echo "no redis-server (apt-get install redis-server)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

redis_port="$(free_port)"
"${cpu0[@]}" "$redis_server" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
echo $! >"$work/redis.pid"
for _ in $(seq 1 100); do grep -q "Ready to accept" "$work/redis.log" && break; sleep 0.1; done
grep -q "Ready to accept" "$work/redis.log" || { cat "$work/redis.log" >&2; exit 1; }

bench() {
  local name="$1"
  shift
  "${cpu1[@]}" "$java" -jar "$work/duplex.jar" bench "$@" --mode broadcast -c "$conns" -p "$window" -s 64 \
    -d "$dur" -w "$warm" --json | sed "s/^{/{\"case\":\"$name\",/" | tee -a "$work/results.jsonl"
}

wsload() {
  [[ -n "${WSLOAD:-}" ]] || return 0
  local name="$1" port="$2"
  # wsload's key=value line (its JSON line leaves out the publishes), turned into JSON.
  "${cpu1[@]}" "$WSLOAD" broadcast --port "$port" -c "$conns" -p "$window" --rate 0 -s 64 -d "$dur" -w "$warm" \
    | grep '^mode=broadcast' | python3 -c 'import json, sys
kv = dict(f.split("=", 1) for f in sys.stdin.read().split())
num = lambda v: float(v) if v.replace(".", "", 1).isdigit() else v
print(json.dumps({"case": sys.argv[1] + " (wsload)", **{k: num(v) for k, v in kv.items()}}))' "$name" \
    | tee -a "$work/results.jsonl"
}


summarize() {
  python3 - "$work/results.jsonl" "$conns" <<'PY'
import json, statistics, sys
n = int(sys.argv[2])
cases = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "latency_us" in r:  # duplex bench
        d, p, secs = r["deliveries"], r["publishes"], r["duration_s"]
        p50, p99, err = r["latency_us"]["p50"], r["latency_us"]["p99"], r["errors"]
    else:  # wsload
        d, p, secs = r["deliveries"], r["published"], r["duration_s"]
        p50, p99, err = r["p50_us"], r["p99_us"], r["errors"]
    cases.setdefault(r["case"], []).append((d / secs, p / secs, d / p if p else 0, p50, p99, err))
print()
print("| case | deliveries/s, median [min–max] | publishes/s | delivered per publish | p50 µs | p99 µs | errors | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
med = lambda rows, i: statistics.median(r[i] for r in rows)
for case, rows in cases.items():
    lo, hi = min(r[0] for r in rows), max(r[0] for r in rows)
    print(f"| {case} | {med(rows, 0):,.0f} [{lo:,.0f}–{hi:,.0f}] | {med(rows, 1):,.0f} | {med(rows, 2):,.1f} of {n} "
          f"| {med(rows, 3):,.0f} | {med(rows, 4):,.0f} | {sum(r[5] for r in rows):.0f} | {len(rows)} |")
PY
}

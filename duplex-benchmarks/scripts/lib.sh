# Shared by the measurement scripts here (sourced, not run): the CLI jar, a scratch folder, CPU
# pinning, and `duplex serve` nodes started and stopped by PID.
#
# After sourcing: $root, $work (removed on exit, with every node still running), $java, cpu0/cpu1
# (taskset prefixes, empty without taskset), serve_start NAME [serve options...] (prints the
# port), serve_stop NAME..., and serve_pid NAME.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${JAR:-$root/duplex-cli/target/duplex-cli.jar}"
java="${JAVA:-java}"
[[ -f "$jar" ]] || { echo "no $jar: run ./duplex --version first (it builds the jar)" >&2; exit 2; }
work="$(mktemp -d)"
cp "$jar" "$work/duplex.jar" # a rebuild during the run must not pull the jar away

# Pinning by prefix, not by a shell function: a backgrounded function would run in a subshell
# and $! would be the subshell's PID, not the server's.
cpu0=() cpu1=()
if command -v taskset >/dev/null; then cpu0=(taskset -c 0) cpu1=(taskset -c 1); fi

# Every process started here leaves its PID in $work/*.pid (nodes start in command
# substitutions, subshells, so a shell array would not see them).
cleanup() {
  for f in "$work"/*.pid; do [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts `duplex serve --echo` on CPU 0 with extra options and prints its port once it is ready.
serve_start() {
  local name="$1" log="$work/serve-$1.log"
  shift
  "${cpu0[@]}" "$java" -Xmx2g -XX:+UseG1GC -jar "$work/duplex.jar" serve --echo --quiet --host 127.0.0.1 \
    --port 0 "$@" >"$log" 2>&1 &
  echo $! >"$work/$name.pid"
  local port
  for _ in $(seq 1 200); do
    port="$(grep -oE 'READY duplex port=[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

serve_pid() { cat "$work/$1.pid"; }

# Stops nodes by PID and waits until each is gone (they are not children of this shell).
serve_stop() {
  local pid
  for n in "$@"; do
    pid="$(serve_pid "$n")"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$work/$n.pid"
  done
}

# shellcheck shell=bash disable=SC2034
# Shared helpers for dev/kafka and dev/influxdb. Sourced, not run.

FW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FW_CACHE="$FW_ROOT/.dev"        # git-ignored: resolved classpaths
FW_DEV="${FW_DEV_DIR:-$FW_ROOT/.dev}"  # git-ignored: data, config, logs, pid files (FW_DEV_DIR overrides)
FW_HOST=127.0.0.1               # loopback only, never the wildcard address

say()  { printf '%s\n' "$*"; }
die()  { printf '%s: error: %s\n' "${FW_TOOL:-dev}" "$*" >&2; exit 1; }

# is_port_number VALUE
is_port_number() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }

# port_listening PORT -> 0 when something listens on PORT (any local address)
port_listening() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/$FW_HOST/$1") 2>/dev/null
  fi
}

# port_owner PORT -> a line saying who holds the port, when ss can tell
port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "( sport = :$1 )" 2>/dev/null | sed 's/^/    /'
}

# require_free_port PORT WHAT ENVVAR
require_free_port() {
  if port_listening "$1"; then
    die "port $1 ($2) is already taken:
$(port_owner "$1")
  stop whatever holds it, or choose another port with $3=<port>."
  fi
}

# pid_alive PIDFILE MATCH -> prints the pid and returns 0 when the pid file names a live process
# whose command line contains MATCH (so a recycled pid is never mistaken for ours)
pid_alive() {
  local pidfile=$1 match=$2 pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$match"; then
    return 1
  fi
  printf '%s\n' "$pid"
}

# stop_pid PIDFILE MATCH NAME TIMEOUT_S: SIGTERM, wait, then SIGKILL; removes the pid file
stop_pid() {
  local pidfile=$1 match=$2 name=$3 timeout=${4:-60} pid i
  if ! pid=$(pid_alive "$pidfile" "$match"); then
    rm -f "$pidfile"
    say "$name is not running."
    return 0
  fi
  say "stopping $name (pid $pid) ..."
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop within ${timeout}s; sending SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  say "$name stopped."
}

# listeners_of PID -> the TCP listen addresses of PID, one a line
listeners_of() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { print $4 }' | sort -u
}

# mvn_cmd -> the Maven to use: the project's wrapper when present, else mvn on PATH
mvn_cmd() {
  if [[ -x "$FW_ROOT/mvnw" ]]; then
    printf '%s\n' "$FW_ROOT/mvnw"
  elif command -v mvn >/dev/null 2>&1; then
    command -v mvn
  else
    die "neither $FW_ROOT/mvnw nor mvn found; install a JDK 17 and Maven 3.9"
  fi
}

# Shared by the scripts in infra/local (sourced, not run): where things live, which ports the
# services use, and small helpers for installing packages and managing background processes.
# shellcheck shell=bash disable=SC2034 # the variables below are used by the sourcing scripts

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"

# Runtime state (configs, data, pid files, logs, credentials, the env file): git-ignored.
STATE_DIR="${QUIVER_SERVICES_DIR:-$REPO_ROOT/.quiver}"
# Downloads and builds (Maven repository, Kafka jars, Go module and build caches, binaries):
# git-ignored, kept across `down --wipe`, safe to delete.
CACHE_DIR="${QUIVER_SERVICES_CACHE:-$REPO_ROOT/.cache}"
LOG_DIR="$STATE_DIR/logs"
ENV_FILE="$STATE_DIR/services.env"
PORTS_FILE="$STATE_DIR/ports.env"

# ---------------------------------------------------------------------------------------------
# Output

say() { printf '[%s] %s\n' "${SERVICE_NAME:-services}" "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Ports, all on 127.0.0.1. Each one comes from, in order: its environment variable; the value
# recorded by an earlier run in .quiver/ports.env (so that `restart` and `start` reuse what `up`
# chose); else the default, or when something else already listens there (another checkout's
# services, say), the first free port at +100, +200, ... The values are exported, so the
# per-service scripts that services.sh runs see the same ports.

declare -A DEFAULT_PORTS=(
  [QUIVER_TEST_KAFKA_PORT]=19092
  [QUIVER_TEST_KAFKA_CONTROLLER_PORT]=19093
  [QUIVER_TEST_S3_PORT]=19000
  [QUIVER_TEST_REDIS_PORT]=16379
)

resolve_ports() {
  local name recorded port
  mkdir -p "$STATE_DIR"
  for name in $(printf '%s\n' "${!DEFAULT_PORTS[@]}" | sort); do
    if [[ -z ${!name:-} ]]; then
      recorded=""
      [[ -f $PORTS_FILE ]] && recorded="$(sed -n "s/^$name=\([0-9]*\)$/\1/p" "$PORTS_FILE")"
      port="${recorded:-${DEFAULT_PORTS[$name]}}"
      if [[ -z $recorded ]]; then
        while tcp_open "$port"; do
          port=$((port + 100))
          ((port < DEFAULT_PORTS[$name] + 2000)) || die "no free port found for $name"
        done
        [[ $port == "${DEFAULT_PORTS[$name]}" ]] ||
          say "port ${DEFAULT_PORTS[$name]} is in use; $name=$port"
      fi
      printf -v "$name" '%s' "$port"
    fi
    [[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a port number, got '${!name}'"
    export "${name?}"
  done
  local lines
  lines="$(for name in $(printf '%s\n' "${!DEFAULT_PORTS[@]}" | sort); do
    printf '%s=%s\n' "$name" "${!name}"
  done)"
  if [[ ! -f $PORTS_FILE || "$(cat "$PORTS_FILE")" != "$lines" ]]; then
    printf '%s\n' "$lines" >"$PORTS_FILE.$$"
    mv "$PORTS_FILE.$$" "$PORTS_FILE"
  fi
}

# ---------------------------------------------------------------------------------------------
# Tools and packages

# require_cmd COMMAND HINT: fails with HINT when COMMAND is not on PATH.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed: $2"
}

# apt_install PACKAGE...: installs Debian packages, running `apt-get update` only when the install
# fails without it (a fresh machine has no package lists yet).
apt_install() {
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  local install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$@")
  say "apt-get install $*"
  if ! "${install[@]}"; then
    say "retrying after apt-get update"
    "${sudo[@]}" apt-get update -q
    "${install[@]}"
  fi
}

# ---------------------------------------------------------------------------------------------
# Processes. A pid file holds the pid of a service started by these scripts; a pid only counts
# when /proc shows a live process whose command line contains MARKER (guards against stale pid
# files whose pid was reused by something else).

# pid_of PIDFILE MARKER: prints the live pid, or fails.
pid_of() {
  local pidfile=$1 marker=$2 pid
  [[ -f $pidfile ]] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s\n' "$pid"
}

# stop_pid PIDFILE MARKER TIMEOUT_SECONDS: SIGTERM, wait up to TIMEOUT for the process to exit,
# then SIGKILL. Removes the pid file. Succeeds when nothing was running.
stop_pid() {
  local pidfile=$1 marker=$2 timeout=$3 pid waited=0
  if ! pid="$(pid_of "$pidfile" "$marker")"; then
    rm -f "$pidfile"
    return 0
  fi
  say "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= timeout * 10)); then
      say "still running after ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pidfile"
}

# tcp_open PORT: succeeds when something accepts a TCP connection on 127.0.0.1:PORT.
tcp_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ensure_port_free PORT WHAT: fails when another process already listens on the port.
ensure_port_free() {
  if tcp_open "$1"; then
    die "port $1 ($2) is already in use by another process; stop it or choose another port" \
      "(see infra/local/README.md, 'Ports')"
  fi
}

# wait_until TIMEOUT_SECONDS DESCRIPTION PID COMMAND...: runs COMMAND every 0.25 s until it
# succeeds; fails when the timeout passes or when process PID exits first.
wait_until() {
  local timeout=$1 what=$2 pid=$3
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the process exited while waiting for $what"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      say "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.25
  done
}

# start_detached PIDFILE LOGFILE COMMAND...: runs COMMAND in the background in its own session
# (it survives the calling shell, its terminal and its process group), appending its output to
# LOGFILE, and writes its pid to PIDFILE. setsid and nohup exec in place here (a non-interactive
# script's background job is not a process-group leader), so $! is the service's own pid.
start_detached() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  printf '\n==== %s starting: %s\n' "$(date -Is)" "$*" >>"$logfile"
  setsid nohup "$@" </dev/null >>"$logfile" 2>&1 &
  printf '%s\n' "$!" >"$pidfile"
}

# log_tail LOGFILE: the last lines of a service's log, for error messages.
log_tail() {
  say "last lines of $1:"
  tail -n 25 "$1" >&2 || true
}

# sha256_of FILE...: a digest of the files' contents (to tell when an install is out of date).
sha256_of() {
  cat "$@" | sha256sum | cut -d' ' -f1
}

resolve_ports

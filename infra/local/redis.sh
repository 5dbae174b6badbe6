#!/usr/bin/env bash
# Redis for quiver's coordinator: Debian's redis-server on 127.0.0.1:$QUIVER_TEST_REDIS_PORT
# (default 16379), in memory only (no RDB snapshots, no AOF), so a restart loses every key.
#
#   infra/local/redis.sh install    apt-get install redis-server when it is missing
#   infra/local/redis.sh start      start (no-op when already running), wait until it answers PING
#   infra/local/redis.sh stop       SHUTDOWN NOSAVE (then SIGTERM, wait, SIGKILL if needed)
#   infra/local/redis.sh restart    stop + start on the same port: all data is gone afterwards
#   infra/local/redis.sh status     prints whether it runs and answers; exit 1 when it does not
set -euo pipefail
SERVICE_NAME=redis
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=$QUIVER_TEST_REDIS_PORT
RUN_DIR="$STATE_DIR/redis"
PID_FILE="$RUN_DIR/redis.pid"
LOG_FILE="$LOG_DIR/redis.log"
# Part of the process title redis-server shows in /proc (its argv is rewritten to "host:port").
MARKER="127.0.0.1:$PORT"

install() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    return 0
  fi
  apt_install redis-server redis-tools
}

answers() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" == PONG ]]
}

start() {
  install
  if pid_of "$PID_FILE" "$MARKER" >/dev/null; then
    answers || die "running (pid $(cat "$PID_FILE")) but not answering PING on port $PORT"
    say "already running on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
    return 0
  fi
  ensure_port_free "$PORT" redis
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  rm -f "$PID_FILE"
  # --daemonize: redis forks, writes its pid file and logs to --logfile by itself.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$PORT" \
    --save "" --appendonly no --dir "$RUN_DIR" \
    --pidfile "$PID_FILE" --logfile "$LOG_FILE" >/dev/null
  local deadline=$((SECONDS + 15))
  until answers; do
    if ((SECONDS >= deadline)); then
      log_tail "$LOG_FILE"
      die "not answering PING on port $PORT after 15s"
    fi
    sleep 0.1
  done
  say "ready on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
}

stop() {
  local pid
  pid="$(pid_of "$PID_FILE" "$MARKER")" || {
    rm -f "$PID_FILE"
    return 0
  }
  # SHUTDOWN NOSAVE takes effect at once; redis only acts on SIGTERM at its next timer tick,
  # which can take a second or two when idle. SIGTERM, then SIGKILL, remain the fallback.
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 5))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.05
  done
  stop_pid "$PID_FILE" "$MARKER" 10
  say "stopped"
}

status() {
  local pid
  if pid="$(pid_of "$PID_FILE" "$MARKER")"; then
    if answers; then
      printf '%-6s running   pid %-8s 127.0.0.1:%-6s answers PING\n' redis "$pid" "$PORT"
      return 0
    fi
    printf '%-6s running   pid %-8s 127.0.0.1:%-6s NOT answering\n' redis "$pid" "$PORT"
    return 1
  fi
  printf '%-6s stopped                     127.0.0.1:%s\n' redis "$PORT"
  return 1
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status) status ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

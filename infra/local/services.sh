#!/usr/bin/env bash
# quiver's real backing services on loopback, for tests, benchmarks and local clusters:
# Apache Kafka (write-ahead log), MinIO (S3 object store) and Redis (coordinator).
#
#   infra/local/services.sh up               install what is missing, start, wait until ready,
#                                            write .quiver/services.env (npm run services:up)
#   infra/local/services.sh down [--wipe]    stop all (npm run services:down); --wipe also deletes
#                                            their data (Kafka topics, bucket contents)
#   infra/local/services.sh status           each service and whether it answers (exit 1 if any does not)
#   infra/local/services.sh env              print the export lines of .quiver/services.env
#   infra/local/services.sh install          install only (what `up` does first)
#   infra/local/services.sh start|stop|restart SERVICE...
#                                            one service at a time: kafka, s3 (or minio), redis;
#                                            data is kept (for outage and restart tests)
#
# Ports (127.0.0.1 only) come from QUIVER_TEST_KAFKA_PORT (19092), QUIVER_TEST_KAFKA_CONTROLLER_PORT
# (19093), QUIVER_TEST_S3_PORT (19000), QUIVER_TEST_REDIS_PORT (16379); once chosen they are
# remembered in .quiver/ports.env. See infra/local/README.md.
set -euo pipefail
SERVICE_NAME=services
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=(redis s3 kafka)

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# One command at a time changes the services (two `up`s at once would start duplicates).
# The lock's descriptor is closed for the per-service scripts, so the services do not inherit it.
lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/services.lock"
  flock -w 900 9 || die "another services.sh command holds $STATE_DIR/services.lock"
}

service_script() {
  case "$1" in
    kafka) echo "$LOCAL_DIR/kafka.sh" ;;
    s3 | minio) echo "$LOCAL_DIR/s3.sh" ;;
    redis) echo "$LOCAL_DIR/redis.sh" ;;
    *) die "unknown service '$1' (kafka, s3, redis)" ;;
  esac
}

# each ACTION SERVICE...: runs ACTION for the services in parallel; fails if any failed.
each() {
  local action=$1 service failed=()
  shift
  local -A pids=()
  for service in "$@"; do
    "$(service_script "$service")" "$action" 9>&- &
    pids[$service]=$!
  done
  for service in "$@"; do
    wait "${pids[$service]}" || failed+=("$service")
  done
  ((${#failed[@]} == 0)) || die "$action failed: ${failed[*]}"
}

env_lines() {
  local key secret
  read -r key secret < <("$LOCAL_DIR/s3.sh" credentials)
  local -a vars=(
    QUIVER_LOG_KIND=kafka
    "QUIVER_KAFKA_BROKERS=127.0.0.1:$QUIVER_TEST_KAFKA_PORT"
    QUIVER_OBJECT_STORE_KIND=s3
    "QUIVER_S3_ENDPOINT=http://127.0.0.1:$QUIVER_TEST_S3_PORT"
    QUIVER_S3_BUCKET=quiver
    QUIVER_S3_REGION=us-east-1
    "QUIVER_S3_ACCESS_KEY_ID=$key"
    "QUIVER_S3_SECRET_ACCESS_KEY=$secret"
    QUIVER_S3_FORCE_PATH_STYLE=true
    QUIVER_COORDINATOR_KIND=redis
    "QUIVER_REDIS_URL=redis://127.0.0.1:$QUIVER_TEST_REDIS_PORT"
    # For tests: raw ports, where things are, and the script that stops/restarts a service.
    "QUIVER_TEST_KAFKA_PORT=$QUIVER_TEST_KAFKA_PORT"
    "QUIVER_TEST_KAFKA_CONTROLLER_PORT=$QUIVER_TEST_KAFKA_CONTROLLER_PORT"
    "QUIVER_TEST_REDIS_PORT=$QUIVER_TEST_REDIS_PORT"
    "QUIVER_TEST_S3_PORT=$QUIVER_TEST_S3_PORT"
    "QUIVER_TEST_SERVICES=$LOCAL_DIR/services.sh"
    "QUIVER_TEST_SERVICES_DIR=$STATE_DIR"
    "QUIVER_TEST_SERVICES_LOG_DIR=$LOG_DIR"
    "QUIVER_TEST_KAFKA_PID_FILE=$STATE_DIR/kafka/kafka.pid"
    "QUIVER_TEST_KAFKA_DATA_DIR=$STATE_DIR/kafka-data"
    "QUIVER_TEST_KAFKA_LIBS=$CACHE_DIR/kafka/libs"
    "QUIVER_TEST_S3_SERVER=$(cat "$STATE_DIR/s3/server" 2>/dev/null || echo versitygw)"
    "QUIVER_TEST_S3_PID_FILE=$STATE_DIR/s3/server.pid"
    "QUIVER_TEST_S3_DATA_DIR=$STATE_DIR/s3-data"
    "QUIVER_TEST_REDIS_PID_FILE=$STATE_DIR/redis/redis.pid"
  )
  local var value
  printf '# quiver local services (infra/local/services.sh up). Use: source .quiver/services.env\n'
  for var in "${vars[@]}"; do
    value="${var#*=}"
    # Plain when safe, else single-quoted: readable by bash and by simple KEY=value parsers.
    if [[ ! $value =~ ^[A-Za-z0-9_./:@,+=-]*$ ]]; then
      value="'${value//\'/\'\\\'\'}'"
    fi
    printf 'export %s=%s\n' "${var%%=*}" "$value"
  done
}

write_env_file() {
  env_lines >"$ENV_FILE.tmp"
  chmod 600 "$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

up() {
  local started=$SECONDS
  each install "${SERVICES[@]}"
  local installed=$SECONDS
  each start "${SERVICES[@]}"
  write_env_file
  say "up in $((SECONDS - started))s (install $((installed - started))s, start $((SECONDS - installed))s);" \
    "env: $ENV_FILE"
}

down() {
  local wipe=false
  case "${1:-}" in
    "") ;;
    --wipe) wipe=true ;;
    *) usage ;;
  esac
  each stop "${SERVICES[@]}"
  rm -f "$ENV_FILE"
  if $wipe; then
    rm -rf "$STATE_DIR/kafka-data" "$STATE_DIR/s3-data" "$STATE_DIR/redis"
    say "stopped; data deleted"
  else
    say "stopped; data kept (down --wipe deletes it)"
  fi
}

status() {
  local service all_answer=0
  for service in "${SERVICES[@]}"; do
    "$(service_script "$service")" status || all_answer=1
  done
  return "$all_answer"
}

command="${1:-}"
(($# > 0)) && shift
case "$command" in
  up)
    lock
    up
    ;;
  down)
    lock
    down "$@"
    ;;
  status) status ;;
  env) env_lines ;;
  install)
    lock
    each install "${SERVICES[@]}"
    ;;
  start | stop | restart)
    (($# >= 1)) || usage
    lock
    for service in "$@"; do
      script="$(service_script "$service")"
      "$script" "$command" 9>&-
    done
    # A single service's restart keeps its port, so the env file stays valid; `start` after
    # `down` writes it again.
    if [[ $command != stop && ! -f $ENV_FILE ]]; then write_env_file; fi
    ;;
  *) usage ;;
esac

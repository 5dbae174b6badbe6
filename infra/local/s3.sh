#!/usr/bin/env bash
# S3-compatible object store for quiver on 127.0.0.1:$QUIVER_TEST_S3_PORT (default 19000), with
# the bucket "quiver", data in .quiver/s3-data and root credentials generated once into
# .quiver/s3/credentials. The server is built from source with `go install` into .cache/go/bin:
#
#   QUIVER_S3_SERVER=versitygw (default)  Versity S3 Gateway, posix backend: ~2.5 min cold build
#   QUIVER_S3_SERVER=minio                MinIO: same tests pass, but ~15 min cold build
#
# (infra/local/README.md explains the choice.)
#
#   infra/local/s3.sh install     build the server once (cached afterwards)
#   infra/local/s3.sh start       start (no-op when already running), wait until healthy, create the bucket
#   infra/local/s3.sh stop        SIGTERM, wait, then SIGKILL (for outage tests; data is kept)
#   infra/local/s3.sh restart     stop + start on the same port and data
#   infra/local/s3.sh status      prints whether it runs and answers its health check
#   infra/local/s3.sh credentials prints "ACCESS_KEY_ID SECRET_ACCESS_KEY"
#   infra/local/s3.sh curl PATH [CURL ARGS...]
#                                 request signed with AWS SigV4 by curl, e.g.
#                                 `s3.sh curl /quiver/key -T file` (put), `s3.sh curl /quiver/key` (get)
set -euo pipefail
SERVICE_NAME=s3
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=$QUIVER_TEST_S3_PORT
ENDPOINT="http://127.0.0.1:$PORT"
BUCKET=quiver
REGION=us-east-1
GO_DIR="$CACHE_DIR/go"
RUN_DIR="$STATE_DIR/s3"
DATA_DIR="$STATE_DIR/s3-data"
CREDENTIALS="$RUN_DIR/credentials"
PID_FILE="$RUN_DIR/server.pid"
LOG_FILE="$LOG_DIR/s3.log"
INSTALL_LOG="$LOG_DIR/install-s3.log"
MARKER="127.0.0.1:$PORT" # the server's command line names its address

# The server in use is remembered, so that `stop` and `restart` act on the one that runs.
SERVER_FILE="$RUN_DIR/server"
SERVER="${QUIVER_S3_SERVER:-$(cat "$SERVER_FILE" 2>/dev/null || echo versitygw)}"
case "$SERVER" in
  versitygw)
    GO_PACKAGE=github.com/versity/versitygw/cmd/versitygw
    VERSION="${QUIVER_VERSITYGW_VERSION:-v1.8.0}"
    GO_MIN_MINOR=25
    HEALTH_PATH=/health
    ;;
  minio)
    # MinIO publishes no semver tags, so the Go module proxy serves it as pseudo-versions of its
    # master branch; this one is from 2026-02-12.
    GO_PACKAGE=github.com/minio/minio
    VERSION="${QUIVER_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
    GO_MIN_MINOR=24
    HEALTH_PATH=/minio/health/live
    ;;
  *) die "QUIVER_S3_SERVER must be versitygw or minio, not '$SERVER'" ;;
esac
BIN="$GO_DIR/bin/$SERVER"
BIN_STAMP="$GO_DIR/bin/.$SERVER-version"

find_go() {
  local go
  go="$(command -v go || true)"
  [[ -z $go && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  [[ -n $go ]] || die "Go is not installed ($SERVER needs Go 1.$GO_MIN_MINOR or newer, e.g. in /usr/local/go)"
  local minor
  minor="$("$go" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [[ -z $minor ]] || ((minor < GO_MIN_MINOR)); then
    die "$("$go" env GOVERSION) is too old to build $SERVER (needs Go 1.$GO_MIN_MINOR or newer)"
  fi
  printf '%s\n' "$go"
}

installed() {
  [[ -x $BIN && -f $BIN_STAMP && "$(cat "$BIN_STAMP")" == "$VERSION" ]]
}

install() {
  require_cmd curl "apt-get install curl"
  installed && return 0
  local go started=$SECONDS
  go="$(find_go)"
  say "building $SERVER $VERSION with $("$go" env GOVERSION) (minutes when cold; log: $INSTALL_LOG)"
  mkdir -p "$LOG_DIR" "$GO_DIR/bin"
  # Module and build caches stay in .cache/go so that a rebuild is quick; -modcacherw keeps the
  # module cache deletable with rm -rf. GOTOOLCHAIN=local: never try to download another Go.
  if ! env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-modcacherw \
    GOBIN="$GO_DIR/bin" GOMODCACHE="$GO_DIR/mod" GOCACHE="$GO_DIR/build" \
    "$go" install "$GO_PACKAGE@$VERSION" >"$INSTALL_LOG" 2>&1; then
    log_tail "$INSTALL_LOG"
    die "go install $GO_PACKAGE@$VERSION failed (full output: $INSTALL_LOG)"
  fi
  printf '%s\n' "$VERSION" >"$BIN_STAMP"
  say "built $BIN in $((SECONDS - started))s"
}

# Generated once; kept across `down --wipe` so that the env file stays valid.
ensure_credentials() {
  [[ -f $CREDENTIALS ]] && return 0
  mkdir -p "$RUN_DIR"
  local key secret
  key="quiver$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  secret="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
  (
    umask 077
    printf 'ACCESS_KEY_ID=%s\nSECRET_ACCESS_KEY=%s\n' "$key" "$secret" >"$CREDENTIALS"
  )
}

load_credentials() {
  ensure_credentials
  ACCESS_KEY_ID="$(sed -n 's/^ACCESS_KEY_ID=//p' "$CREDENTIALS")"
  SECRET_ACCESS_KEY="$(sed -n 's/^SECRET_ACCESS_KEY=//p' "$CREDENTIALS")"
  [[ -n $ACCESS_KEY_ID && -n $SECRET_ACCESS_KEY ]] || die "$CREDENTIALS is incomplete; delete it to regenerate"
}

healthy() {
  curl -fsS -o /dev/null --max-time 2 "$ENDPOINT$HEALTH_PATH"
}

# s3_curl PATH [CURL ARGS...]: a request signed with AWS SigV4 by curl itself (curl >= 7.75).
# The payload is declared unsigned (curl 7.88 would otherwise send no x-amz-content-sha256).
s3_curl() {
  local path=$1
  shift
  load_credentials
  curl -sS --max-time 30 --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY_ID:$SECRET_ACCESS_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@" "$ENDPOINT$path"
}

ensure_bucket() {
  local code
  code="$(s3_curl "/$BUCKET" -I -o /dev/null -w '%{http_code}')" || true
  case "$code" in
    200) return 0 ;;
    404)
      code="$(s3_curl "/$BUCKET" -X PUT -o "$RUN_DIR/create-bucket.out" -w '%{http_code}')" || true
      [[ $code == 200 ]] || die "creating bucket '$BUCKET' failed (HTTP $code): $(cat "$RUN_DIR/create-bucket.out")"
      say "created bucket '$BUCKET'"
      ;;
    *) die "checking bucket '$BUCKET' failed (HTTP ${code:-none}); log: $LOG_FILE" ;;
  esac
}

server_command() {
  case "$SERVER" in
    versitygw)
      # Single-account mode: the root credentials are the only ones. No web UI, no admin port.
      SERVER_CMD=(env ROOT_ACCESS_KEY="$ACCESS_KEY_ID" ROOT_SECRET_KEY="$SECRET_ACCESS_KEY"
        "$BIN" --port "127.0.0.1:$PORT" --region "$REGION" --health "$HEALTH_PATH"
        --keep-alive --quiet posix "$DATA_DIR")
      ;;
    minio)
      # No web console (it would open a second port), no update checks, no colour in the log.
      SERVER_CMD=(env MINIO_ROOT_USER="$ACCESS_KEY_ID" MINIO_ROOT_PASSWORD="$SECRET_ACCESS_KEY"
        MINIO_REGION="$REGION" MINIO_BROWSER=off MINIO_UPDATE=off NO_COLOR=1
        "$BIN" server --quiet --anonymous --address "127.0.0.1:$PORT" "$DATA_DIR")
      ;;
  esac
}

start() {
  local pid running
  if pid="$(pid_of "$PID_FILE" "$MARKER")"; then
    running="$(cat "$SERVER_FILE" 2>/dev/null || echo unknown)"
    [[ $running == "$SERVER" ]] ||
      die "$running is running (pid $pid); stop it before switching to $SERVER"
    wait_until 30 "$ENDPOINT$HEALTH_PATH" "$pid" healthy ||
      die "running (pid $pid) but not healthy on $ENDPOINT"
    ensure_bucket
    say "$SERVER already running on $ENDPOINT (pid $pid)"
    return 0
  fi
  install
  load_credentials
  ensure_port_free "$PORT" "s3"
  # A data folder written by the other server is not readable by this one.
  if [[ -d $DATA_DIR && -f $SERVER_FILE && "$(cat "$SERVER_FILE")" != "$SERVER" ]]; then
    die "$DATA_DIR holds $(cat "$SERVER_FILE") data; run 'services.sh down --wipe' before switching to $SERVER"
  fi
  mkdir -p "$RUN_DIR" "$DATA_DIR" "$LOG_DIR"
  printf '%s\n' "$SERVER" >"$SERVER_FILE"
  server_command
  start_detached "$PID_FILE" "$LOG_FILE" "${SERVER_CMD[@]}"
  pid="$(cat "$PID_FILE")"
  if ! wait_until 60 "$ENDPOINT$HEALTH_PATH" "$pid" healthy; then
    log_tail "$LOG_FILE"
    stop_pid "$PID_FILE" "$MARKER" 5
    die "$SERVER did not become healthy (log: $LOG_FILE)"
  fi
  ensure_bucket
  say "$SERVER ready on $ENDPOINT (pid $pid), bucket '$BUCKET'"
}

stop() {
  if pid_of "$PID_FILE" "$MARKER" >/dev/null; then
    stop_pid "$PID_FILE" "$MARKER" 15
    say "stopped"
  else
    rm -f "$PID_FILE"
  fi
}

status() {
  local pid
  if pid="$(pid_of "$PID_FILE" "$MARKER")"; then
    if healthy; then
      printf '%-6s running   pid %-8s 127.0.0.1:%-6s answers %s (%s)\n' s3 "$pid" "$PORT" "$HEALTH_PATH" "$SERVER"
      return 0
    fi
    printf '%-6s running   pid %-8s 127.0.0.1:%-6s NOT answering (%s)\n' s3 "$pid" "$PORT" "$SERVER"
    return 1
  fi
  printf '%-6s stopped                     127.0.0.1:%s\n' s3 "$PORT"
  return 1
}

command="${1:-}"
(($# > 0)) && shift
case "$command" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status) status ;;
  credentials)
    load_credentials
    printf '%s %s\n' "$ACCESS_KEY_ID" "$SECRET_ACCESS_KEY"
    ;;
  curl)
    (($# >= 1)) || die "usage: s3.sh curl PATH [CURL ARGS...]"
    s3_curl "$@"
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

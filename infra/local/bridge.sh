#!/usr/bin/env bash
# An HTTP bridge to Kafka for the edge proxy (the Strimzi Kafka Bridge REST API): produces into the
# local Kafka named by .quiver/services.env. Listens on 127.0.0.1:$QUIVER_TEST_BRIDGE_PORT (default
# 18080); state in .quiver/bridge, log in .quiver/logs/bridge.log.
#
#   infra/local/bridge.sh install   put the Strimzi bridge's jars into .cache/bridge/libs (once per pom change)
#   infra/local/bridge.sh start     start the selected bridge, wait until /ready answers
#   infra/local/bridge.sh stop      SIGTERM, wait, then SIGKILL (whichever bridge runs)
#   infra/local/bridge.sh restart   stop + start
#   infra/local/bridge.sh status    prints which bridge runs and whether it answers /ready
#
# Two implementations, chosen by QUIVER_BRIDGE_IMPL:
#   strimzi  the Strimzi Kafka Bridge 0.31.2 (Java, the reference), jars in .cache/bridge/libs;
#   quiver   `bin/quiver bridge` (src/bridge), the produce/offset subset the edge uses, on Node.
# Unset: strimzi when its jars are already installed, else quiver (Strimzi's bridge is not on
# Maven Central, so a fresh machine cannot install it). A start that names an implementation
# other than the one running stops that one first; an unset choice keeps whichever runs.
#
# Strimzi's install tries, in order: (1) io.strimzi:kafka-bridge from the Maven repository
# (infra/bridge/pom.xml, copy-dependencies); (2) the release's binary distribution from GitHub;
# (3) a build of the release from source with Maven, from QUIVER_BRIDGE_SOURCE (a checkout or a
# git repository holding the release tag). QUIVER_BRIDGE_MVN_ARGS adds Maven flags to that build
# (e.g. -Dstrimzi-oauth.version=0.15.0 when a mirror lacks a dependency's exact version).
# Kafka: QUIVER_BRIDGE_KAFKA_BROKERS, else QUIVER_KAFKA_BROKERS from .quiver/services.env, else
# 127.0.0.1:$QUIVER_TEST_KAFKA_PORT.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's messages
SERVICE_NAME=bridge
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POM="$REPO_ROOT/infra/bridge/pom.xml"
VERSION="$(sed -n 's:.*<bridge.version>\(.*\)</bridge.version>.*:\1:p' "$POM")"
LIBS="$CACHE_DIR/bridge/libs"
LIBS_STAMP="$LIBS/.installed-from-pom"
RUN_DIR="$STATE_DIR/bridge"
CONFIG="$RUN_DIR/application.properties"
LOG4J="$RUN_DIR/log4j2.properties"
PID_FILE="$RUN_DIR/bridge.pid"
IMPL_FILE="$RUN_DIR/impl" # which implementation the pid file belongs to
LOG_FILE="$LOG_DIR/bridge.log"
INSTALL_LOG="$LOG_DIR/install-bridge.log"
PORT="${QUIVER_TEST_BRIDGE_PORT:-18080}"
HEAP_OPTS="${QUIVER_BRIDGE_HEAP_OPTS:--Xmx256m -Xms64m}"
REQUESTED="${QUIVER_BRIDGE_IMPL:-}"
case "$REQUESTED" in
  "" | strimzi | quiver) ;;
  *) die "QUIVER_BRIDGE_IMPL must be strimzi or quiver, got '$REQUESTED'" ;;
esac

# marker IMPL: what the command line of a running IMPL contains (pid files may be stale).
marker() {
  case "$1" in
    strimzi) printf '%s\n' "$CONFIG" ;; # the Strimzi bridge's command line names its config file
    quiver) printf '%s\n' "$REPO_ROOT/src/cli.ts bridge" ;;
  esac
}

# running: prints "IMPL PID" of the bridge these scripts started, or fails.
running() {
  local impl pid
  impl="$(cat "$IMPL_FILE" 2>/dev/null || echo strimzi)"
  [[ $impl == strimzi || $impl == quiver ]] || return 1
  pid="$(pid_of "$PID_FILE" "$(marker "$impl")")" || return 1
  printf '%s %s\n' "$impl" "$pid"
}

# choose: the implementation to start, with the reason on stderr.
choose() {
  if [[ -n $REQUESTED ]]; then
    say "QUIVER_BRIDGE_IMPL=$REQUESTED"
    printf '%s\n' "$REQUESTED"
  elif installed && command -v java >/dev/null 2>&1; then
    say "the Strimzi bridge is installed: using it (QUIVER_BRIDGE_IMPL=quiver for quiver's)"
    printf 'strimzi\n'
  else
    say "the Strimzi bridge is not installed: using quiver's (QUIVER_BRIDGE_IMPL=strimzi installs Strimzi's)"
    printf 'quiver\n'
  fi
}

brokers() {
  if [[ -n ${QUIVER_BRIDGE_KAFKA_BROKERS:-} ]]; then
    printf '%s\n' "$QUIVER_BRIDGE_KAFKA_BROKERS"
    return
  fi
  local from_env=""
  [[ -f $ENV_FILE ]] && from_env="$(sed -n 's/^export QUIVER_KAFKA_BROKERS=//p' "$ENV_FILE")"
  printf '%s\n' "${from_env:-127.0.0.1:$QUIVER_TEST_KAFKA_PORT}"
}

installed() {
  [[ -f $LIBS_STAMP && "$(cat "$LIBS_STAMP")" == "$(sha256_of "$POM")" ]]
}

# from_maven DIR: copy-dependencies of the pom into DIR.
from_maven() {
  mvn -q -B -f "$POM" -Dmaven.repo.local="$CACHE_DIR/m2" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$1" -DincludeScope=runtime >>"$INSTALL_LOG" 2>&1 &&
    compgen -G "$1/kafka-bridge-*.jar" >/dev/null
}

# from_release DIR: the libs folder of the release's binary distribution.
from_release() {
  local url="https://github.com/strimzi/strimzi-kafka-bridge/releases/download/$VERSION/kafka-bridge-$VERSION.tar.gz"
  local work="$CACHE_DIR/bridge/release"
  rm -rf "$work" && mkdir -p "$work"
  curl -fsSL --max-time 120 "$url" -o "$work/dist.tar.gz" >>"$INSTALL_LOG" 2>&1 || return 1
  tar -xzf "$work/dist.tar.gz" -C "$work" || return 1
  local libs
  libs="$(find "$work" -type d -name libs | head -n 1)"
  [[ -n $libs ]] && cp -r "$libs" "$1"
}

# from_source DIR: mvn package of the release's source, then its assembled libs folder.
from_source() {
  local source="${QUIVER_BRIDGE_SOURCE:-}" src="$CACHE_DIR/bridge/src-$VERSION"
  [[ -n $source ]] || return 1
  rm -rf "$src" && mkdir -p "$src"
  if git --git-dir "$source" rev-parse --verify -q "$VERSION^{commit}" >/dev/null 2>&1; then
    git --git-dir "$source" archive "$VERSION" | tar -x -C "$src"
  elif git -C "$source" rev-parse --verify -q "$VERSION^{commit}" >/dev/null 2>&1; then
    git -C "$source" archive "$VERSION" | tar -x -C "$src"
  elif [[ -f $source/pom.xml ]]; then
    cp -r "$source/." "$src"
  else
    say "QUIVER_BRIDGE_SOURCE=$source is neither a checkout nor a git repository with tag $VERSION"
    return 1
  fi
  # shellcheck disable=SC2086 # extra Maven flags are a list
  (cd "$src" && mvn -B -Dmaven.repo.local="$CACHE_DIR/m2" -DskipTests -Dcheckstyle.skip -Dspotbugs.skip \
    -Dmaven.javadoc.skip -Dmaven.source.skip ${QUIVER_BRIDGE_MVN_ARGS:-} package) >>"$INSTALL_LOG" 2>&1 || return 1
  local libs
  libs="$(find "$src/target" -type d -path "*kafka-bridge-$VERSION/libs" | head -n 1)"
  [[ -n $libs ]] && cp -r "$libs" "$1"
}

install() {
  require_cmd java "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
  installed && return 0
  require_cmd mvn "install Apache Maven (Debian: apt-get install maven)"
  mkdir -p "$LOG_DIR" "$CACHE_DIR/bridge"
  : >"$INSTALL_LOG"
  local tmp="$LIBS.tmp" started=$SECONDS
  rm -rf "$tmp"
  say "installing the Strimzi Kafka Bridge $VERSION into $LIBS"
  if from_maven "$tmp"; then
    say "from the Maven repository"
  elif rm -rf "$tmp" && from_release "$tmp"; then
    say "from the release distribution"
  elif rm -rf "$tmp" && from_source "$tmp"; then
    say "built from source ($QUIVER_BRIDGE_SOURCE)"
  else
    log_tail "$INSTALL_LOG"
    die "could not install the bridge: io.strimzi:kafka-bridge:$VERSION is not in the Maven repository," \
      "the release download failed, and QUIVER_BRIDGE_SOURCE names no usable source (full output: $INSTALL_LOG)"
  fi
  compgen -G "$tmp/*kafka-bridge-$VERSION.jar" >/dev/null || die "no kafka-bridge-$VERSION jar in $tmp"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  sha256_of "$POM" >"$LIBS_STAMP"
  say "installed $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

write_config() {
  mkdir -p "$RUN_DIR"
  cat >"$CONFIG.tmp" <<CONF
# Written by infra/local/bridge.sh on every start; edit the script, not this file.
bridge.id=quiver-local
kafka.bootstrap.servers=$(brokers)
# Durability as the native producer (adapters/kafka): acknowledged by every in-sync replica,
# written once across retries, records of a partition in order.
kafka.producer.acks=all
kafka.producer.enable.idempotence=true
kafka.producer.compression.type=lz4
kafka.producer.linger.ms=1
# A produce to a topic that does not exist fails after 10 s instead of the client's 60 s.
kafka.producer.max.block.ms=10000
http.host=127.0.0.1
http.port=$PORT
http.cors.enabled=false
# The edge only produces; consumers stay on the native client.
http.consumer.enabled=false
http.producer.enabled=true
CONF
  mv "$CONFIG.tmp" "$CONFIG"
  cat >"$LOG4J" <<'CONF'
name = BridgeConfig
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss} %-5p [%t] %c{1}:%L - %m%n
rootLogger.level = INFO
rootLogger.appenderRefs = console
rootLogger.appenderRef.console.ref = STDOUT
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
CONF
}

ready() {
  curl -fsS --max-time 2 "http://127.0.0.1:$PORT/ready" >/dev/null
}

start() {
  local impl pid current
  if current="$(running)"; then
    read -r impl pid <<<"$current"
    if [[ -n $REQUESTED && $REQUESTED != "$impl" ]]; then
      say "the $impl bridge runs (pid $pid), but QUIVER_BRIDGE_IMPL=$REQUESTED: stopping it"
      stop
    else
      if [[ "$(cat "$RUN_DIR/port" 2>/dev/null)" != "$PORT" ]]; then
        die "the $impl bridge already runs (pid $pid) on port $(cat "$RUN_DIR/port" 2>/dev/null); stop it first to change ports"
      fi
      wait_until 60 "/ready on port $PORT" "$pid" ready || die "the $impl bridge runs (pid $pid) but is not ready on port $PORT"
      say "the $impl bridge already runs on 127.0.0.1:$PORT (pid $pid)"
      return 0
    fi
  fi
  impl="$(choose)"
  [[ $impl == strimzi ]] && install
  require_cmd curl "curl runs the readiness probe"
  ensure_port_free "$PORT" "bridge"
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  printf '%s\n' "$impl" >"$IMPL_FILE"
  if [[ $impl == strimzi ]]; then
    write_config
    # shellcheck disable=SC2086 # HEAP_OPTS is a list of JVM flags
    start_detached "$PID_FILE" "$LOG_FILE" java $HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Djava.awt.headless=true -Dvertx.cacheDirBase="$RUN_DIR/vertx-cache" \
      -Dlog4j2.configurationFile="file:$LOG4J" \
      -cp "$LIBS/*" io.strimzi.kafka.bridge.Application --config-file "$CONFIG"
  else
    require_cmd node "install Node.js 20+"
    # A clean environment: the bridge reads only these settings, never a caller's QUIVER_CONFIG or
    # quiver.yaml (it runs in its state folder). Kafka settings and producer durability are the
    # Node proxies' (idempotent, acks=all, lz4), from the Kafka adapter itself.
    (cd "$RUN_DIR" && start_detached "$PID_FILE" "$LOG_FILE" env -i PATH="$PATH" HOME="${HOME:-$RUN_DIR}" \
      QUIVER_LOG_KIND=kafka QUIVER_KAFKA_BROKERS="$(brokers)" QUIVER_KAFKA_CLIENT_ID=quiver-bridge \
      "$REPO_ROOT/bin/quiver" bridge --host 127.0.0.1 --port "$PORT")
  fi
  pid="$(cat "$PID_FILE")"
  printf '%s\n' "$PORT" >"$RUN_DIR/port"
  if ! wait_until 90 "/ready on port $PORT" "$pid" ready; then
    log_tail "$LOG_FILE"
    stop_pid "$PID_FILE" "$(marker "$impl")" 5
    die "the $impl bridge did not become ready (log: $LOG_FILE)"
  fi
  say "the $impl bridge is ready on http://127.0.0.1:$PORT (pid $pid, Kafka $(brokers))"
}

stop() {
  local impl pid current
  if current="$(running)"; then
    read -r impl pid <<<"$current"
    stop_pid "$PID_FILE" "$(marker "$impl")" 20
    say "stopped the $impl bridge"
  else
    rm -f "$PID_FILE"
  fi
}

status() {
  local impl pid current
  if current="$(running)"; then
    read -r impl pid <<<"$current"
    if ready; then
      printf '%-6s running   pid %-8s 127.0.0.1:%-6s ready      (%s)\n' bridge "$pid" "$PORT" "$impl"
      return 0
    fi
    printf '%-6s running   pid %-8s 127.0.0.1:%-6s NOT ready  (%s)\n' bridge "$pid" "$PORT" "$impl"
    return 1
  fi
  printf '%-6s stopped                     127.0.0.1:%s\n' bridge "$PORT"
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
  *)
    sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

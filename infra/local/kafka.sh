#!/usr/bin/env bash
# Apache Kafka for quiver's write-ahead log: one KRaft node (broker and controller in one JVM) on
# 127.0.0.1:$QUIVER_TEST_KAFKA_PORT (default 19092; controller 19093), run from the Maven Central
# jars listed in infra/local/kafka/pom.xml. Data in .quiver/kafka-data, log in .quiver/logs/kafka.log.
#
#   infra/local/kafka.sh install            copy the jars into .cache/kafka/libs (once per pom change)
#   infra/local/kafka.sh start              write the config, format storage once, start, wait until ready
#   infra/local/kafka.sh stop               SIGTERM (controlled shutdown), wait, then SIGKILL
#   infra/local/kafka.sh restart            stop + start on the same port and data
#   infra/local/kafka.sh status             prints whether it runs and answers a metadata request
#   infra/local/kafka.sh topics ARGS...     TopicCommand against the local broker (--list, --create ...)
#   infra/local/kafka.sh produce TOPIC      console producer: one message per stdin line
#   infra/local/kafka.sh consume TOPIC ARGS...  console consumer (e.g. --from-beginning --max-messages 1)
#   infra/local/kafka.sh tool CLASS ARGS... any main class on the broker's classpath
#   infra/local/kafka.sh cluster-id [COUNT] prints COUNT (default 1) new KRaft cluster ids
set -euo pipefail
SERVICE_NAME=kafka
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=$QUIVER_TEST_KAFKA_PORT
CONTROLLER_PORT=$QUIVER_TEST_KAFKA_CONTROLLER_PORT
BOOTSTRAP="127.0.0.1:$PORT"
POM="$LOCAL_DIR/kafka/pom.xml"
LIBS="$CACHE_DIR/kafka/libs"
LIBS_STAMP="$LIBS/.installed-from-pom"
RUN_DIR="$STATE_DIR/kafka"
DATA_DIR="$STATE_DIR/kafka-data"
CONFIG="$RUN_DIR/server.properties"
PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$LOG_DIR/kafka.log"
INSTALL_LOG="$LOG_DIR/install-kafka.log"
MARKER="$CONFIG" # the broker's command line names its config file
# Heap of the broker; Kafka's own scripts read the same variable.
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx768m -Xms256m}"

require_java() {
  require_cmd java "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
}

installed() {
  [[ -f $LIBS_STAMP && "$(cat "$LIBS_STAMP")" == "$(sha256_of "$POM")" ]]
}

install() {
  require_java
  installed && return 0
  require_cmd mvn "install Apache Maven (Debian: apt-get install maven)"
  say "copying the broker's jars from Maven Central into $LIBS (about 1-2 minutes cold)"
  mkdir -p "$LOG_DIR" "$CACHE_DIR/kafka"
  local tmp="$LIBS.tmp" started=$SECONDS
  rm -rf "$tmp"
  # Paths are absolute: relative ones would resolve against the pom's folder.
  if ! mvn -q -B -f "$POM" -Dmaven.repo.local="$CACHE_DIR/m2" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$INSTALL_LOG" 2>&1; then
    log_tail "$INSTALL_LOG"
    die "mvn copy-dependencies failed (full output: $INSTALL_LOG)"
  fi
  [[ -f $(echo "$tmp"/kafka_2.13-*.jar) ]] || die "no kafka_2.13 jar in $tmp after mvn"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  sha256_of "$POM" >"$LIBS_STAMP"
  say "installed $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

# tool CLASS ARGS...: runs a Kafka command-line class on the broker's classpath.
tool() {
  install
  local main=$1
  shift
  java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOCAL_DIR/kafka/tools-log4j.properties" \
    -cp "$LIBS/*" "$main" "$@"
}

write_config() {
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  cat >"$CONFIG.tmp" <<EOF
# Written by infra/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR

# One node: every internal topic and every default has one replica.
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1

# Topics exist only when created explicitly (quiver creates its own).
auto.create.topics.enable=false
# Kafka's default (1 MiB + record-batch overhead): tests rely on this exact limit.
message.max.bytes=1048588
# No 3 s wait before the first consumer-group rebalance.
group.initial.rebalance.delay.ms=0
# Smaller log-cleaner buffer than the 128 MiB default: a test broker compacts little.
log.cleaner.dedupe.buffer.size=33554432
EOF
  mv "$CONFIG.tmp" "$CONFIG"
}

# Prints a new KRaft cluster id: a Kafka Uuid, 16 random bytes in URL-safe base64 without padding.
# Like Kafka's own generator it never prints one starting with '-', which the storage tool would
# take for an option and fail on.
new_cluster_id() {
  local id=''
  while [[ -z $id || $id == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  printf '%s\n' "$id"
}

# Formats the data folder once (KRaft needs a cluster id and a metadata log before the first start).
format_storage() {
  [[ -f $DATA_DIR/meta.properties ]] && return 0
  local cluster_id
  cluster_id="$(new_cluster_id)"
  say "formatting $DATA_DIR (cluster id $cluster_id)"
  tool kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" --ignore-formatted \
    >>"$LOG_FILE" 2>&1 || {
    log_tail "$LOG_FILE"
    die "formatting the storage failed"
  }
}

metadata() {
  node "$LOCAL_DIR/kafka/metadata.mjs" "$BOOTSTRAP" "${1:-3000}"
}

start() {
  install
  local pid
  if pid="$(pid_of "$PID_FILE" "$MARKER")"; then
    if [[ "$(cat "$RUN_DIR/port" 2>/dev/null)" != "$PORT" ]]; then
      die "already running (pid $pid) on port $(cat "$RUN_DIR/port" 2>/dev/null); stop it first to change ports"
    fi
    wait_until 60 "a metadata answer on $BOOTSTRAP" "$pid" metadata ||
      die "running (pid $pid) but not answering on $BOOTSTRAP"
    say "already running on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  require_cmd node "Node.js runs the readiness probe"
  ensure_port_free "$PORT" "kafka"
  ensure_port_free "$CONTROLLER_PORT" "kafka controller"
  mkdir -p "$LOG_DIR"
  write_config
  format_storage
  # shellcheck disable=SC2086 # HEAP_OPTS is a list of JVM flags
  start_detached "$PID_FILE" "$LOG_FILE" java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOCAL_DIR/kafka/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG"
  pid="$(cat "$PID_FILE")"
  printf '%s\n' "$PORT" >"$RUN_DIR/port"
  # The client port opens only once the broker has caught up with the metadata log; the
  # metadata request then proves that it serves clients.
  if ! wait_until 90 "port $PORT to open" "$pid" tcp_open "$PORT" ||
    ! wait_until 30 "a metadata answer on $BOOTSTRAP" "$pid" metadata; then
    log_tail "$LOG_FILE"
    stop_pid "$PID_FILE" "$MARKER" 5
    die "the broker did not become ready (log: $LOG_FILE)"
  fi
  say "ready on $BOOTSTRAP (pid $pid)"
}

stop() {
  if pid_of "$PID_FILE" "$MARKER" >/dev/null; then
    stop_pid "$PID_FILE" "$MARKER" 30
    say "stopped"
  else
    rm -f "$PID_FILE"
  fi
}

status() {
  local pid answer
  if pid="$(pid_of "$PID_FILE" "$MARKER")"; then
    if answer="$(metadata 2000 2>&1)"; then
      printf '%-6s running   pid %-8s 127.0.0.1:%-6s answers metadata (%s topics)\n' kafka "$pid" \
        "$PORT" "$(grep -o '"name"' <<<"$answer" | wc -l)"
      return 0
    fi
    printf '%-6s running   pid %-8s 127.0.0.1:%-6s NOT answering: %s\n' kafka "$pid" "$PORT" "$answer"
    return 1
  fi
  printf '%-6s stopped                     127.0.0.1:%s\n' kafka "$PORT"
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
  topics) tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@" ;;
  produce)
    (($# >= 1)) || die "usage: kafka.sh produce TOPIC [ARGS...]"
    tool kafka.tools.ConsoleProducer --bootstrap-server "$BOOTSTRAP" --topic "$@"
    ;;
  consume)
    (($# >= 1)) || die "usage: kafka.sh consume TOPIC [ARGS...]"
    tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" --topic "$@"
    ;;
  tool)
    (($# >= 1)) || die "usage: kafka.sh tool CLASS [ARGS...]"
    tool "$@"
    ;;
  cluster-id)
    count="${1:-1}"
    [[ $count =~ ^[1-9][0-9]*$ ]] || die "usage: kafka.sh cluster-id [COUNT]"
    for ((i = 0; i < count; i++)); do new_cluster_id; done
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Starts a single-node Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1 for tests and
# prints its bootstrap address; `stop` ends it.
#
#   scripts/start-kafka.sh DIR [PORT]   start (or find already running) the broker whose files are in DIR
#   scripts/start-kafka.sh stop DIR     stop it (SIGTERM, then SIGKILL after 30 s); DIR is left for the caller
#
# PORT (default 19092) is the client listener, PORT+1 the controller's. The jars come from
# scripts/install-kafka.sh (ANCHORPOST_KAFKA_LIB overrides). Heap and threads are kept small for a
# 2-core machine: KAFKA_HEAP_OPTS (default -Xms128m -Xmx512m) and KAFKA_JVM_OPTS override.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ "${1:-}" = stop ]; then
  dir="${2:?usage: start-kafka.sh stop DIR}"
  pid_file="$dir/kafka.pid"
  [ -f "$pid_file" ] || exit 0
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pid_file"
  exit 0
fi

dir="${1:?usage: start-kafka.sh DIR [PORT] | start-kafka.sh stop DIR}"
port="${2:-19092}"
controller_port=$((port + 1))
bootstrap="127.0.0.1:$port"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [ -f "$dir/kafka.pid" ] && kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null; then echo "$bootstrap"; exit 0; fi

lib="${ANCHORPOST_KAFKA_LIB:-$("$here/install-kafka.sh")}"
cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
# Topics are created explicitly by the bus (ensureTopic), never by a produce or fetch.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=2
# One node: no reason to wait for more group members before the first rebalance.
group.initial.rebalance.delay.ms=0
# An accepted-topic record carries a whole tx-file (up to 1 MiB) plus its receipt: allow 2 MiB
# records (with batch framing), as the bus's ANCHORPOST_KAFKA_MAX_RECORD_BYTES default does.
message.max.bytes=2200000
replica.fetch.max.bytes=2200000
num.network.threads=2
num.io.threads=2
background.threads=2
log.cleaner.threads=1
PROPS
cat >"$dir/log4j.properties" <<LOG4J
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG4J

heap="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
# shellcheck disable=SC2086 # the option strings are lists of JVM flags
jvm=(java $heap ${KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$lib/*")

if [ ! -f "$dir/data/meta.properties" ]; then
  # Kafka's own generator: a random base64 id never begins with '-' there, whereas one made with
  # `base64` does one time in 64, and the tool then reads it as an option ("--cluster-id/-t:
  # expected one argument").
  cluster_id=$("${jvm[@]}" kafka.tools.StorageTool random-uuid 2>"$dir/format.log") || { cat "$dir/format.log" >&2; exit 1; }
  "${jvm[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" \
    -c "$dir/server.properties" >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
fi

: >"$dir/server.log"
setsid nohup "${jvm[@]}" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
echo $! >"$dir/kafka.pid"
pid=$!
for _ in $(seq 1200); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-kafka: the broker exited; last lines of $dir/server.log and stdout.log:" >&2
    tail -n 30 "$dir/server.log" "$dir/stdout.log" >&2
    rm -f "$dir/kafka.pid"
    exit 1
  fi
  # The broker logs this once both the controller and the client listener serve requests.
  if grep -q 'Kafka Server started' "$dir/server.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$bootstrap"
    exit 0
  fi
  sleep 0.1
done
echo "start-kafka: the broker did not start within 120 s (see $dir/server.log)" >&2
"$0" stop "$dir"
exit 1

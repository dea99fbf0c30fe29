#!/usr/bin/env bash
# Throwaway single-node Kafka (KRaft, broker+controller) on 127.0.0.1 for trying the
# pmacct pipeline by hand. Not used by the JUnit tests (they start their own broker).
#
# Usage:   e2e/dev-broker.sh [LIFETIME_SECONDS]        (default 900)
# Prints:  "BOOTSTRAP=127.0.0.1:PORT" on stdout once the broker accepts connections, then
#          keeps running in the foreground until LIFETIME_SECONDS have passed, or until it
#          gets SIGINT/SIGTERM; it then stops the broker and deletes its data directory.
#          Run it in the background:  e2e/dev-broker.sh 600 > /tmp/broker.out &
# Needs:   the Kafka 4.x jars of the kafka-broker module; the classpath is computed once with
#          `mvn dependency:build-classpath` and cached in $PM_CLASSPATH_FILE
#          (default /tmp/pm-cp.txt). Java 17+.
# Exit:    0 after a normal stop, 1 if the broker did not come up within 90 s.
set -euo pipefail

LIFETIME=${1:-900}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CP_FILE=${PM_CLASSPATH_FILE:-/tmp/pm-cp.txt}

if [[ ! -s $CP_FILE ]]; then
  (cd "$ROOT" && ./mvnw -B -q -pl kafka-broker dependency:build-classpath -Dmdep.outputFile="$CP_FILE") >&2
fi

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

DIR=$(mktemp -d /tmp/pm-broker.XXXXXX)
PORT=$(free_port)
CPORT=$(free_port)
PID=
cleanup() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

cat >"$DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF

JAVA_OPTS=(-Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
CP=$(cat "$CP_FILE")
java "${JAVA_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format --standalone \
  -c "$DIR/server.properties" --cluster-id "$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
  >"$DIR/format.log" 2>&1
java "${JAVA_OPTS[@]}" -cp "$CP" kafka.Kafka "$DIR/server.properties" >"$DIR/broker.log" 2>&1 &
PID=$!

for _ in $(seq 1 180); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && grep -q "Kafka Server started" "$DIR/broker.log"; then
    echo "BOOTSTRAP=127.0.0.1:$PORT"
    echo "broker log: $DIR/broker.log" >&2
    end=$((SECONDS + LIFETIME))
    while ((SECONDS < end)) && kill -0 "$PID" 2>/dev/null; do sleep 1; done
    exit 0
  fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.5
done
echo "broker did not start; log follows" >&2
tail -50 "$DIR/broker.log" >&2
exit 1

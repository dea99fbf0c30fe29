#!/usr/bin/env bash
# Reads a Kafka topic written by e2e/run-pipeline.sh and checks it EXACTLY against the
# expected totals.
#
# Usage:  e2e/check-topic.sh BOOTSTRAP TOPIC EXPECTED_JSON OUT_DIR
#   Writes OUT_DIR/topic.jsonl (every message, see e2e/TopicDump.java), topicdump.log and
#   OUT_DIR/check.json (summary, see e2e/check-topic.py).
# Needs:  Java 17 and kafka-clients: the classpath comes from $PM_CLASSPATH_FILE
#         (default /tmp/pm-cp.txt), computed with mvn dependency:build-classpath if missing.
# Exit:   0 exact match, 1 differences, 2 usage, 3 topic could not be read.
set -uo pipefail
[[ $# -eq 4 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
BOOTSTRAP=$1 TOPIC=$2 EXPECTED=$3 OUT_DIR=$4
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CP_FILE=${PM_CLASSPATH_FILE:-/tmp/pm-cp.txt}
mkdir -p "$OUT_DIR"
if [[ ! -s $CP_FILE ]]; then
  (cd "$ROOT" && ./mvnw -B -q -pl kafka-broker dependency:build-classpath -Dmdep.outputFile="$CP_FILE") >&2 || exit 3
fi
# The same classpath as e2e/dev-broker.sh's (the kafka-broker module's) brings kafka-clients and
# Logback (DEBUG, on stdout): client logs go to topicdump.log.
if ! java -cp "$(cat "$CP_FILE")" "$HERE/TopicDump.java" "$BOOTSTRAP" "$TOPIC" "$OUT_DIR/topic.jsonl" 60000 \
    >"$OUT_DIR/topicdump.log" 2>&1; then
  tail -5 "$OUT_DIR/topicdump.log" >&2; exit 3
fi
grep '^TopicDump:' "$OUT_DIR/topicdump.log" >&2
exec "${PYTHON:-/usr/bin/python3}" "$HERE/check-topic.py" "$OUT_DIR/topic.jsonl" "$EXPECTED" \
  --report "$OUT_DIR/check.json"

#!/usr/bin/env bash
# Runs the real pmacct pipeline once against a Kafka broker:
#   e2e/make-pcap.py -> flows.pcap -> softflowd (NetFlow v9) -> nfacctd -> Kafka TOPIC
#
# USAGE
#   e2e/run-pipeline.sh BOOTSTRAP TOPIC VARIANT [OUT_DIR]
#     BOOTSTRAP  Kafka bootstrap servers as nfacctd must reach them: host:port, or
#                host1:port1,host2:port2 (then passed to kafka_broker_host as is).
#     TOPIC      Kafka topic nfacctd publishes to. Use a fresh topic per run: the checker
#                reads the whole topic. nfacctd relies on broker auto-creation
#                (auto.create.topics.enable=true) unless you create it first.
#     VARIANT    single | multi | noas | markers | countries   (e2e/variants/VARIANT.conf)
#     OUT_DIR    Where everything is written; created if missing (default: mktemp -d).
#                Kept after the run, for the caller to read and delete.
#
# ENVIRONMENT (all optional)
#   PCAP_DIR     Directory holding flows.pcap + expected.json from make-pcap.py. Generated
#                there if either file is missing (about 10 s). Default: OUT_DIR. Point
#                several runs at one PCAP_DIR to generate the capture once.
#   PCAP_FLOWS   conversations for make-pcap.py (default 3000)
#   PCAP_SEED    seed for make-pcap.py (default 5)
#   PYTHON       interpreter with scapy (default /usr/bin/python3, Debian's python3-scapy)
#   NFACCTD, SOFTFLOWD   binaries (default: from PATH)
#   GEOIPV2_FILE a GeoIP2 country .mmdb for nfacctd's geoipv2_file (variant countries)
#
# WHAT IT DOES
#   1. Checks that deploy/pmacct/networks.lst and make-pcap.py's prefixes agree.
#   2. Writes OUT_DIR/nfacctd.conf: deploy/pmacct/nfacctd.conf with ONLY these values
#      rewritten: nfacctd_ip=127.0.0.1, nfacctd_port=<free UDP port>, kafka_broker_host,
#      kafka_broker_port, kafka_topic, pre_tag_map and networks_file (absolute paths of
#      deploy/pmacct/pretag.map and networks.lst), and kafka_refresh_time=300; then the
#      variant's keys on top. (With the shipped 10 s, a run slowed past 10 s by a busy
#      machine has a periodic purge that overlaps the purge at SIGINT, and pmacct 1.7.7
#      then publishes the whole cache twice: "Purging cache - END (PID: a, QN: 5656/5656)"
#      and "(PID: b, QN: 5656/5656)". One purge at the end counts every record once.)
#   3. Starts nfacctd (foreground, log in OUT_DIR/nfacctd.log), waits for
#      "waiting for NetFlow/IPFIX data on 127.0.0.1:PORT".
#   4. Runs `softflowd -d -c none -r flows.pcap -n 127.0.0.1:PORT -v 9`. With -r it reads
#      the file as fast as it can, exports every flow when the file ends, and exits.
#      (-c none is required: softflowd 1.1.0 otherwise blocks forever in accept() on its
#      control socket after reading a file.)
#   5. Waits until nfacctd's UDP socket has no unread datagrams (/proc/net/udp) and
#      records the socket's drop counter.
#   6. Stops nfacctd with SIGINT. This is how the test knows pmacct is done: nfacctd
#      keeps the tail of the data in a partly filled plugin_buffer_size chunk until the
#      chunk fills or nfacctd stops, so no periodic purge ever carries it. On SIGINT the
#      core hands that chunk over, the Kafka plugin purges one last time and waits for
#      librdkafka to deliver everything, logging for every purge
#        INFO ( default_kafka/kafka ): *** Purging cache - END (PID: 123, QN: 21/21, ET: 0) ***
#      and the core logs "OK, Exiting ...". QN is sent/queued cache entries, where "sent"
#      means handed to librdkafka: with an unreachable broker QN is still n/n, and only
#      "ERROR ( default_kafka/kafka ): Connection failed to Kafka: ..." tells.
#   7. Declares success only if: nfacctd exited; every "Purging cache - START" has its
#      END; every END has QN n/n; the QN sum equals the number of records softflowd
#      exported; no UDP drops; no "missing data" / Kafka error lines.
#
# OUTPUTS (in OUT_DIR)
#   nfacctd.conf, nfacctd.log, softflowd.log, pipeline.json:
#     {"variant", "topic", "bootstrap", "nfacctd_port", "softflowd_flows",
#      "softflowd_records", "softflowd_datagrams", "udp_drops", "purges",
#      "records_purged", "elapsed_ms", "expected": "<path of expected.json>"}
#   Last stdout line on success:  EXPECTED=<PCAP_DIR>/expected.json
#   Then check Kafka with:        e2e/check-topic.sh BOOTSTRAP TOPIC EXPECTED OUT_DIR
#
# EXIT CODES
#   0 pipeline ran and pmacct accounted for every record
#   2 bad usage                      3 a required tool is missing / pcap generation failed
#   4 nfacctd did not start          5 softflowd failed
#   6 data lost or unaccounted (UDP drops, QN mismatch, missing data, Kafka errors)
#   7 nfacctd did not stop cleanly within 30 s after SIGINT
# Processes started here are always stopped on exit (trap), whatever the outcome.
set -uo pipefail

usage() { sed -n '2,60p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 3 && $# -le 4 ]] || usage
BOOTSTRAP=$1 TOPIC=$2 VARIANT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DEPLOY=$ROOT/deploy/pmacct
OVERLAY=$HERE/variants/$VARIANT.conf
[[ -f $OVERLAY ]] || { echo "unknown variant '$VARIANT' (no $OVERLAY)" >&2; exit 2; }
[[ $TOPIC =~ ^[A-Za-z0-9._-]+$ ]] || { echo "bad topic name '$TOPIC'" >&2; exit 2; }
OUT_DIR=${4:-$(mktemp -d /tmp/pmacct-e2e.XXXXXX)}
mkdir -p "$OUT_DIR" && OUT_DIR=$(cd "$OUT_DIR" && pwd)
PCAP_DIR=${PCAP_DIR:-$OUT_DIR}
PYTHON=${PYTHON:-/usr/bin/python3}
NFACCTD=${NFACCTD:-nfacctd}
SOFTFLOWD=${SOFTFLOWD:-softflowd}
START_MS=$(date +%s%3N)

log() { echo "run-pipeline: $*" >&2; }
for t in "$NFACCTD" "$SOFTFLOWD" "$PYTHON"; do
  command -v "$t" >/dev/null || { log "missing tool: $t (apt-get install pmacct softflowd python3-scapy)"; exit 3; }
done

NF_PID= NF_CHILDREN=
cleanup() {
  if [[ -n $NF_PID ]] && kill -0 "$NF_PID" 2>/dev/null; then
    kill -INT "$NF_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$NF_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$NF_PID" 2>/dev/null
  fi
  # The Kafka plugin is a child of the core; if the core was killed it may linger.
  for p in $NF_CHILDREN; do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == nfacctd ]] && kill -KILL "$p" 2>/dev/null
  done
  [[ -n $NF_PID ]] && wait "$NF_PID" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. capture and expected totals
"$PYTHON" "$HERE/make-pcap.py" --check-networks "$DEPLOY/networks.lst" || exit 3
if [[ ! -s $PCAP_DIR/flows.pcap || ! -s $PCAP_DIR/expected.json ]]; then
  "$PYTHON" "$HERE/make-pcap.py" "$PCAP_DIR" --flows "${PCAP_FLOWS:-3000}" --seed "${PCAP_SEED:-5}" >&2 || exit 3
fi
EXPECTED=$PCAP_DIR/expected.json

# 2. effective configuration
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [[ $BOOTSTRAP == *,* ]]; then
  KHOST=$BOOTSTRAP KPORT=9092
else
  KHOST=${BOOTSTRAP%:*} KPORT=${BOOTSTRAP##*:}
fi
CONF=$OUT_DIR/nfacctd.conf
"$PYTHON" - "$DEPLOY/nfacctd.conf" "$OVERLAY" "$CONF" \
  "nfacctd_ip=127.0.0.1" "nfacctd_port=$PORT" "kafka_broker_host=$KHOST" "kafka_broker_port=$KPORT" \
  "kafka_topic=$TOPIC" "pre_tag_map=$DEPLOY/pretag.map" "networks_file=$DEPLOY/networks.lst" \
  "kafka_refresh_time=300" <<'EOF' || exit 3
import re, sys
base, overlay, out, *subs = sys.argv[1:]
lines = open(base, encoding="utf-8").read().splitlines()
key_re = re.compile(r"^\s*([a-z_0-9]+(?:\[[^\]]*\])?)\s*:\s*(.*)$")
def apply(lines, key, value, must_exist):
    hits = [i for i, l in enumerate(lines) if (m := key_re.match(l)) and m.group(1) == key]
    if must_exist and len(hits) != 1:
        sys.exit(f"{base}: expected exactly one '{key}:' line, found {len(hits)}")
    if hits:
        for i in hits:
            lines[i] = f"{key}: {value}"
    else:
        lines.append(f"{key}: {value}")
for s in subs:
    k, v = s.split("=", 1)
    apply(lines, k, v, True)
lines.append(f"! ---- overlay {overlay} ----")
for l in open(overlay, encoding="utf-8").read().splitlines():
    if (m := key_re.match(l)) and not l.lstrip().startswith("!"):
        apply(lines, m.group(1), m.group(2).strip(), False)
open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
EOF
if [[ -n ${GEOIPV2_FILE:-} ]]; then
  echo "geoipv2_file: $GEOIPV2_FILE" >>"$CONF"
elif grep -q '_host_country' "$CONF"; then
  log "variant $VARIANT needs GEOIPV2_FILE (a country .mmdb)"; exit 2
fi

# 3. nfacctd
NFLOG=$OUT_DIR/nfacctd.log
"$NFACCTD" -f "$CONF" >"$NFLOG" 2>&1 &
NF_PID=$!
for _ in $(seq 1 100); do
  grep -q "waiting for NetFlow/IPFIX data on 127.0.0.1:$PORT" "$NFLOG" && grep -q "JSON: setting object handlers" "$NFLOG" && break
  kill -0 "$NF_PID" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "waiting for NetFlow/IPFIX data on 127.0.0.1:$PORT" "$NFLOG" || ! kill -0 "$NF_PID" 2>/dev/null; then
  log "nfacctd did not start; log:"; tail -20 "$NFLOG" >&2; exit 4
fi
NF_CHILDREN=$(pgrep -P "$NF_PID" | tr '\n' ' ')

# 4. softflowd
SFLOG=$OUT_DIR/softflowd.log
if ! timeout -k 5 120 "$SOFTFLOWD" -d -c none -p "$OUT_DIR/softflowd.pid" -r "$PCAP_DIR/flows.pcap" \
    -n "127.0.0.1:$PORT" -v 9 >"$SFLOG" 2>&1; then
  log "softflowd failed; log:"; tail -20 "$SFLOG" >&2; exit 5
fi
# "Flows exported: 3000 (5656 records) in 218 packets (0 failures)"
read -r SF_FLOWS SF_RECORDS SF_DGRAMS SF_FAIL < <(sed -n \
  's/^Flows exported: \([0-9]*\) (\([0-9]*\) records) in \([0-9]*\) packets (\([0-9]*\) failures).*/\1 \2 \3 \4/p' "$SFLOG")
if [[ -z ${SF_RECORDS:-} || $SF_FAIL != 0 ]]; then
  log "softflowd did not report a clean export; log:"; tail -20 "$SFLOG" >&2; exit 5
fi

# 5. wait until nfacctd has read every datagram; note socket drops
HEXPORT=$(printf '%04X' "$PORT")
DROPS=unknown
idle=0
for _ in $(seq 1 300); do
  row=$(awk -v a="0100007F:$HEXPORT" '$2 == a {print $5, $NF}' /proc/net/udp)
  [[ -n $row ]] || { log "nfacctd socket vanished"; tail -20 "$NFLOG" >&2; exit 4; }
  q=${row%% *}; rxq=$((16#${q#*:}))   # column 5 is tx_queue:rx_queue, hex bytes
  DROPS=${row##* }
  if ((rxq == 0)); then idle=$((idle + 1)); else idle=0; fi
  ((idle >= 3)) && break
  sleep 0.1
done

# 6. stop nfacctd: final purge
kill -INT "$NF_PID"
for _ in $(seq 1 300); do kill -0 "$NF_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$NF_PID" 2>/dev/null; then
  log "nfacctd still running 30 s after SIGINT"; exit 7
fi
wait "$NF_PID" 2>/dev/null
for _ in $(seq 1 100); do   # the plugin writes its last END line
  (( $(grep -c 'Purging cache - START' "$NFLOG") == $(grep -c 'Purging cache - END' "$NFLOG") )) && break
  sleep 0.1
done
NF_PID=

# 7. account
END_RE='\*\*\* Purging cache - END \(PID: ([0-9]+), QN: ([0-9]+)/([0-9]+), ET: ([0-9]+)\) \*\*\*'
purges=0 purged=0 bad=0
while IFS= read -r line; do
  if [[ $line =~ $END_RE ]]; then
    purges=$((purges + 1)); purged=$((purged + BASH_REMATCH[2]))
    [[ ${BASH_REMATCH[2]} == "${BASH_REMATCH[3]}" ]] || bad=$((bad + 1))
  fi
done <"$NFLOG"
starts=$(grep -c 'Purging cache - START' "$NFLOG")
ELAPSED=$(( $(date +%s%3N) - START_MS ))
cat >"$OUT_DIR/pipeline.json" <<EOF
{"variant": "$VARIANT", "topic": "$TOPIC", "bootstrap": "$BOOTSTRAP", "nfacctd_port": $PORT,
 "softflowd_flows": $SF_FLOWS, "softflowd_records": $SF_RECORDS, "softflowd_datagrams": $SF_DGRAMS,
 "udp_drops": "$DROPS", "purges": $purges, "records_purged": $purged, "elapsed_ms": $ELAPSED,
 "expected": "$EXPECTED"}
EOF
fail=0
grep -q 'OK, Exiting' "$NFLOG" || { log "nfacctd did not log 'OK, Exiting'"; fail=7; }
((starts == purges)) || { log "$starts purges started, $purges ended"; fail=6; }
((bad == 0)) || { log "$bad purges with QN sent != queued (Kafka delivery failed)"; fail=6; }
[[ $DROPS == 0 ]] || { log "UDP socket drops: $DROPS (raise net.core.rmem_max / nfacctd_pipe_size)"; fail=6; }
((purged == SF_RECORDS)) || { log "nfacctd purged $purged records, softflowd exported $SF_RECORDS"; fail=6; }
if grep -E 'missing data|Connection failed|ERROR \(' "$NFLOG" >&2; then log "errors in nfacctd.log"; fail=6; fi
((fail == 0)) || exit "$fail"
log "ok: $SF_RECORDS records -> $purges purges, QN sum $purged, ${ELAPSED} ms"
echo "EXPECTED=$EXPECTED"

#!/bin/bash
# Writes the exporter's AppCDS archive (class data sharing): the classes a start loads, already
# parsed and verified, mapped from one file at the next start instead of read from the jar. The
# list of classes comes from a real start: the demo's jar runs a broker and a generator, and the
# exporter, with -XX:DumpLoadedClassList, counts their records, serves /metrics and the console
# once, and stops on SIGTERM. Then -Xshare:dump writes the archive from that list.
#
# A static archive without the list's lambda proxies: JDK 17 crashed (SIGSEGV in
# SystemDictionaryShared::adjust_lambda_proxy_class_dictionary) dumping them, for the dynamic
# archive (-XX:ArchiveClassesAtExit) as for the static one, at least with the demo's jar.
#
#   cds-archive.sh EXPORTER_JAR DEMO_JAR ARCHIVE [JVM options of the exporter]
#
# JAVA=/path/to/java runs another JVM than the java on the PATH. On JDK 25 and later the training
# start writes an AOT cache (-XX:AOTCacheOutput) into ARCHIVE instead, which
# -XX:SharedArchiveFile=ARCHIVE (or -XX:AOTCache=ARCHIVE) loads alike.
#
# The exporter must later run with the same JVM, the same jar at the same path (its size and time
# are checked; a relative EXPORTER_JAR is recorded as given, so give an absolute one unless the
# exporter starts from this same directory) and -XX:SharedArchiveFile=ARCHIVE; with anything else the JVM starts without the
# archive, silently (-Xlog:cds tells why). The Dockerfile runs this at image build time. Needs
# bash only (HTTP over /dev/tcp), as the JRE image has no HTTP client.
set -euo pipefail
jar="$1"
demo_jar="$2"
archive="$3"
shift 3
jvm=("$@")
java="${JAVA:-java}"
kafka_port="${CDS_KAFKA_PORT:-19092}"
http_port="${CDS_HTTP_PORT:-19590}"
work="$(mktemp -d)"
demo_pid=""
exporter_pid=""
cleanup() {
  [[ -n "$exporter_pid" ]] && kill -TERM "$exporter_pid" 2>/dev/null && wait "$exporter_pid" 2>/dev/null
  [[ -n "$demo_pid" ]] && kill -TERM "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# GET a path on the exporter's port; prints the status code (000 when nothing answers).
status() {
  local line=""
  if { exec 3<>"/dev/tcp/127.0.0.1/${http_port}"; } 2>/dev/null; then
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&3
    IFS= read -r -t 10 line <&3 || true
    cat <&3 >/dev/null || true
    exec 3<&-
  fi
  line="${line#HTTP/1.? }"
  echo "${line:0:3}"
}

# Wait up to $2 seconds for a condition (a command).
await() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    if ((SECONDS > deadline)); then
      echo "cds-archive: timed out waiting for: $1" >&2
      tail -50 "$work"/*.log >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

# JDK_JAVA_OPTIONS is unset for both: the demo needs no archive, and the exporter must get exactly
# the options given here (an archive option in the environment would clash with this one).
env -u JDK_JAVA_OPTIONS "$java" -jar "$demo_jar" demo --port 0 --kafka-port "$kafka_port" --rate 2000 \
  --status-interval 3600 >"$work/demo.log" 2>&1 &
demo_pid=$!
await "grep -q 'exporter running' '$work/demo.log'" 180

rm -f "$archive"
# JDK 25 and later: an AOT cache (-XX:AOTCacheOutput), written when the training start exits. It
# holds the classes loaded and linked, lambdas included, and the methods' profiles, so the JIT
# compiler starts from them. Older JVMs: the class list, dumped into a static archive below.
if env -u JDK_JAVA_OPTIONS "$java" -XX:AOTCacheOutput="$work/probe.aot" -version >/dev/null 2>&1; then
  training=(-XX:AOTCacheOutput="$archive")
else
  training=(-XX:DumpLoadedClassList="$work/classes")
fi
env -u JDK_JAVA_OPTIONS "$java" "${jvm[@]}" "${training[@]}" -jar "$jar" \
  --brokers "127.0.0.1:${kafka_port}" --topic pmacct.flows --asn 64500 --from-beginning \
  --application-id flow-exporter-cds-training --state-dir "$work/state" \
  --addr "127.0.0.1:${http_port}" >"$work/exporter.log" 2>&1 &
exporter_pid=$!
await '[[ "$(status /readyz)" == 200 ]]' 180
# A few commits' worth of counting, and one answer of each page a start usually serves.
sleep 5
for path in /metrics /healthz /readyz / ; do
  status "$path" >/dev/null
done
kill -TERM "$exporter_pid"
wait "$exporter_pid" || true
exporter_pid=""
kill -TERM "$demo_pid"
wait "$demo_pid" || true
demo_pid=""
if [[ "${training[0]}" == -XX:AOTCacheOutput=* ]]; then
  if [[ ! -s "$archive" ]]; then
    echo "cds-archive: no AOT cache written; the training start's log:" >&2
    tail -50 "$work/exporter.log" >&2
    exit 1
  fi
  chmod 0644 "$archive"
  echo "cds-archive: wrote the AOT cache $archive ($(du -h "$archive" | cut -f1))"
  exit 0
fi
grep -v '^@lambda-proxy' "$work/classes" >"$work/classes-without-lambdas"
if ! env -u JDK_JAVA_OPTIONS "$java" "${jvm[@]}" -Xshare:dump -XX:SharedClassListFile="$work/classes-without-lambdas" \
    -XX:SharedArchiveFile="$archive" -cp "$jar" >"$work/dump.log" 2>&1 || [[ ! -s "$archive" ]]; then
  echo "cds-archive: no archive written; the dump's log:" >&2
  tail -50 "$work/dump.log" >&2
  exit 1
fi
chmod 0644 "$archive"
echo "cds-archive: wrote $archive ($(du -h "$archive" | cut -f1))"

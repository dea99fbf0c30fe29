# Sourced by the bench/ commands (run from the repository's root): bench_classpath builds the
# project unless BENCH_SKIP_BUILD=1 and a classpath was written before, then prints the classpath
# of the benchmark drivers (app's test classes and every module's classes first). Use it as
# classpath="$(bench_classpath)" under set -e: a failed build then stops the command.
#
# One Maven run builds the modules and writes each module's test classpath (into its own
# target/bench.classpath): a separate dependency:build-classpath run would look for the sibling
# modules in ~/.m2, where a fresh machine has none.
bench_classpath() {
  local cp_file=app/target/bench.classpath
  if [[ "${BENCH_SKIP_BUILD:-}" != 1 || ! -f "$cp_file" ]]; then
    echo "building (bin/maven -B -q package -DskipTests) ..." >&2
    bin/maven -B -q package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/bench.classpath >&2 || return 1
  fi
  local classpath="app/target/test-classes:app/target/classes:topology/target/classes"
  classpath+=":asn-db/target/classes:kafka-broker/target/classes:flow-generator/target/classes"
  local dependencies
  dependencies="$(cat "$cp_file")" || return 1
  echo "$classpath:$dependencies"
}

# Writes the class data archive the Docker image has (deploy/docker/cds-archive.sh) for the
# exporter's recommended JVM options, whenever app/target/flow-exporter.jar is newer than it (any
# Maven build that packages app rewrites the jar, and the JVM then ignores the old archive without a
# word). Without it the exporters start without one.
bench_cds_archive() {
  local jar=app/target/flow-exporter.jar archive=app/target/flow-exporter.jsa
  if [[ ! -f $archive || $jar -nt $archive ]]; then
    echo "writing the class data archive (deploy/docker/cds-archive.sh) ..." >&2
    deploy/docker/cds-archive.sh "$jar" demo/target/flow-exporter-demo.jar "$archive" \
      -Xmx256m -XX:+ExitOnOutOfMemoryError -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000 >&2 \
      || echo "no class data archive; the exporters start without one" >&2
  fi
}

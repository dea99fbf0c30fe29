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

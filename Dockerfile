# syntax=docker/dockerfile:1
#
# flow-exporter container image.
#
#   docker build -t flow-exporter .
#   docker run --rm -p 127.0.0.1:9590:9590 \
#     -e FLOW_EXPORTER_BROKERS=kafka:9092 -e FLOW_EXPORTER_TOPIC=pmacct.flows \
#     -e FLOW_EXPORTER_ASN=64500 \
#     -e FLOW_EXPORTER_ASN_DB=/var/lib/flow-exporter-asn/GeoLite2-ASN.mmdb \
#     -v "$PWD/deploy/asn-db:/var/lib/flow-exporter-asn:ro" flow-exporter
#
# That is the default target, the exporter alone. The demo's jar (commands
# generate and demo, with the embedded broker) has its own target, which the
# compose file's demo profile runs as its traffic generator:
#
#   docker build --target demo -t flow-exporter-demo .
#   docker run --rm flow-exporter-demo generate --brokers kafka:9092 --topic pmacct.flows
#
# Base images are pinned by tag, not by digest: the digests could not be
# looked up where this file was written. To pin harder, append @sha256:... to
# both tags (docker buildx imagetools inspect IMAGE:TAG prints it).
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.16_8-jre-noble

# ---------------------------------------------------------------------------
# Build: the goals of the README's build (package, tests skipped; CI runs the
# tests, ./mvnw -B verify) at the repository root, but run by the Maven of
# MAVEN_IMAGE, not by ./mvnw: the wrapper is not in the build context
# (.dockerignore), so the Maven version is the image's (3.9.11), not the one the
# wrapper pins (.mvn/wrapper/). The root pom accepts Maven 3.8.7 or later.
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
# .dockerignore lets in only the poms, each module's src/, the healthcheck and cds-archive.sh.
COPY . .
# The Maven repository lives in a BuildKit cache, not in a layer: rebuilds
# after a source change do not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    mvn -B -ntp package -DskipTests \
 && cp app/target/flow-exporter.jar /flow-exporter.jar \
 && cp demo/target/flow-exporter-demo.jar /flow-exporter-demo.jar

# ---------------------------------------------------------------------------
# Demo: the demo's jar, for the generator of the compose demo profile. Kept
# out of the exporter's image below, which has no broker and no generator.
FROM ${RUNTIME_IMAGE} AS demo
COPY --from=build /flow-exporter-demo.jar /opt/flow-exporter/flow-exporter-demo.jar
# nobody: the generator writes no files.
USER 65534:65534
ENTRYPOINT ["java", "-jar", "/opt/flow-exporter/flow-exporter-demo.jar"]

# ---------------------------------------------------------------------------
# Run: the exporter's image, the default target. JRE only, unprivileged user.
FROM ${RUNTIME_IMAGE} AS exporter

# Declared again to be read in this stage (the label below).
ARG RUNTIME_IMAGE
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="flow-exporter" \
      org.opencontainers.image.description="pmacct flow records from Kafka to Prometheus per-AS traffic counters" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"

# UID/GID 10001: Ubuntu images already have uid 1000 (user "ubuntu").
RUN set -eux; \
    groupadd --system --gid 10001 flowexporter; \
    useradd --system --uid 10001 --gid flowexporter \
      --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin flowexporter; \
    mkdir -p /opt/flow-exporter /var/lib/flow-exporter /var/lib/flow-exporter-asn; \
    chown flowexporter:flowexporter /var/lib/flow-exporter

COPY --from=build /flow-exporter.jar /opt/flow-exporter/flow-exporter.jar
COPY --from=build /src/deploy/docker/healthcheck.sh /opt/flow-exporter/healthcheck.sh
RUN chmod 0755 /opt/flow-exporter/healthcheck.sh
# The AppCDS archive: a training start (the demo's broker and generator, mounted
# from the build stage and kept out of the image) records the classes a start
# loads, so that each container start maps them from one file instead of
# loading them from the jar: about a third less CPU before /readyz (see
# docs/performance.md). Trained here, on this image's JVM and this jar at this
# path, which the archive is only valid with; the options are those of
# JDK_JAVA_OPTIONS below, but for the heap: a fixed -Xmx1g, not 75% of the
# build machine's memory, which on a host of more than about 43 GB would turn
# compressed pointers off and make an archive no container (with compressed
# pointers on) can use. A JVM that cannot use it starts without it (-Xlog:cds
# tells why).
RUN --mount=type=bind,from=build,source=/flow-exporter-demo.jar,target=/tmp/flow-exporter-demo.jar \
    --mount=type=bind,from=build,source=/src/deploy/docker/cds-archive.sh,target=/tmp/cds-archive.sh \
    bash /tmp/cds-archive.sh /opt/flow-exporter/flow-exporter.jar /tmp/flow-exporter-demo.jar \
      /opt/flow-exporter/flow-exporter.jsa \
      -Xmx1g -XX:+ExitOnOutOfMemoryError -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000
# The flow log's directory (--flow-log; the compose profile "logs" mounts a volume here).
RUN mkdir -p /var/log/flow-exporter && chown flowexporter:flowexporter /var/log/flow-exporter

# Every flag of the exporter can be given as FLOW_EXPORTER_<FLAG>; these two
# are the container's defaults. JDK_JAVA_OPTIONS is read by the java launcher:
# override it to size the heap by hand (keep the two inlining limits: they halve
# the JIT compiler's CPU, and the archive, which cuts start-up; see
# docs/performance.md).
ENV FLOW_EXPORTER_ADDR=":9590" \
    FLOW_EXPORTER_STATE_DIR="/var/lib/flow-exporter" \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000 -XX:SharedArchiveFile=/opt/flow-exporter/flow-exporter.jsa"

USER 10001:10001
WORKDIR /opt/flow-exporter
EXPOSE 9590
# Kafka Streams state (RocksDB, checkpoints). Each container gets its own:
# never share one state directory between two running instances.
VOLUME ["/var/lib/flow-exporter"]

# The JRE image has no HTTP client we can count on; healthcheck.sh speaks
# HTTP/1.0 over bash's /dev/tcp. /healthz means "process alive", not "ready".
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/opt/flow-exporter/healthcheck.sh"]

ENTRYPOINT ["java", "-jar", "/opt/flow-exporter/flow-exporter.jar"]

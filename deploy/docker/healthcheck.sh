#!/bin/bash
# Container HEALTHCHECK: GET /healthz on the exporter's own port and succeed
# only on HTTP 200. Needs nothing but bash (its /dev/tcp redirection) because
# the JRE base image has no HTTP client we can count on.
#
# The port (and the host, if the exporter binds one address) come from
# FLOW_EXPORTER_ADDR, the same variable the exporter reads: ":9590",
# "0.0.0.0:9590", "127.0.0.1:9590", "[::]:9590".
#
# With FLOW_EXPORTER_WEB_TLS_CERT set the exporter speaks HTTPS only, which bash
# cannot: the check then passes when the port accepts a connection.
set -u
addr="${FLOW_EXPORTER_ADDR:-:9590}"
port="${addr##*:}"
host="${addr%:*}"
host="${host#[}"
host="${host%]}"
case "$host" in
  "" | "0.0.0.0" | "::" | "*") host="127.0.0.1" ;;
esac
if ! exec 3<>"/dev/tcp/${host}/${port}"; then
  echo "unhealthy: cannot connect to ${host}:${port}" >&2
  exit 1
fi
if [ -n "${FLOW_EXPORTER_WEB_TLS_CERT:-}" ]; then
  exec 3<&-
  exit 0
fi
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
status=""
IFS= read -r -t 4 status <&3 || true
exec 3<&-
case "$status" in
  "HTTP/1."[01]" 200"*) exit 0 ;;
  *)
    echo "unhealthy: GET /healthz on ${host}:${port} answered '${status%$'\r'}'" >&2
    exit 1
    ;;
esac

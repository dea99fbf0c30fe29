#!/usr/bin/env bash
# Writes the demo's sample AS database (GeoLite2-ASN shape) from its human-readable source list:
#   demo/src/main/resources/demo/sample-asn.csv  ->  demo/src/main/resources/demo/sample-asn.mmdb
# Needs MaxMind's perl writer: apt-get install libmaxmind-db-writer-perl
# The output is reproducible: fixed build date, fixed perl hash order.
# Usage: scripts/make-sample-asn-db.sh [OUTPUT.mmdb]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/scripts/write-sample-db.sh" maxmind GeoLite2-ASN \
  "$root/demo/src/main/resources/demo/sample-asn.csv" \
  "${1:-$root/demo/src/main/resources/demo/sample-asn.mmdb}"

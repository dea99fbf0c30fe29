#!/usr/bin/env bash
# Writes the demo's sample country database (GeoLite2-Country shape, with registered_country)
# from its human-readable source list:
#   demo/src/main/resources/demo/sample-country.csv  ->  demo/src/main/resources/demo/sample-country.mmdb
# Needs MaxMind's perl writer: apt-get install libmaxmind-db-writer-perl
# The output is reproducible: fixed build date, fixed perl hash order.
# Usage: scripts/make-sample-country-db.sh [OUTPUT.mmdb]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/scripts/write-sample-db.sh" maxmind-country GeoLite2-Country \
  "$root/demo/src/main/resources/demo/sample-country.csv" \
  "${1:-$root/demo/src/main/resources/demo/sample-country.mmdb}"

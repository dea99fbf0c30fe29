#!/usr/bin/env bash
# Writes the demo's sample AS database (GeoLite2-ASN shape) from its human-readable source list:
#   demo/src/main/resources/demo/sample-asn.csv  ->  demo/src/main/resources/demo/sample-asn.mmdb
# Needs MaxMind's perl writer: apt-get install libmaxmind-db-writer-perl
# The output is reproducible: fixed build date, fixed perl hash order.
# Usage: scripts/make-sample-asn-db.sh [OUTPUT.mmdb]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input="$root/demo/src/main/resources/demo/sample-asn.csv"
output="${1:-$root/demo/src/main/resources/demo/sample-asn.mmdb}"
if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
  echo "$0: MaxMind's perl writer is missing: apt-get install libmaxmind-db-writer-perl" >&2
  exit 1
fi
# 2026-01-01T00:00:00Z, the project's reproducible-build timestamp
PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 perl "$root/asn-db/src/test/scripts/write-mmdb.pl" \
  --shape=maxmind --database-type=GeoLite2-ASN --build-epoch=1767225600 "$input" "$output"
echo "wrote $output"

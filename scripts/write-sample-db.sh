#!/usr/bin/env bash
# Writes one of the demo's sample databases from its human-readable source list, reproducibly
# (fixed build date, fixed perl hash order), with MaxMind's perl writer through
# asn-db/src/test/scripts/write-mmdb.pl. Called by make-sample-asn-db.sh and
# make-sample-country-db.sh; not meant to be run by hand.
# Usage: scripts/write-sample-db.sh SHAPE DATABASE-TYPE INPUT.csv OUTPUT.mmdb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -ne 4 ]; then
  echo "usage: $0 SHAPE DATABASE-TYPE INPUT.csv OUTPUT.mmdb" >&2
  exit 2
fi
if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
  echo "$0: MaxMind's perl writer is missing: apt-get install libmaxmind-db-writer-perl" >&2
  exit 1
fi
# 2026-01-01T00:00:00Z, the project's reproducible-build timestamp
PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 perl "$root/asn-db/src/test/scripts/write-mmdb.pl" \
  --shape="$1" --database-type="$2" --build-epoch=1767225600 "$3" "$4"
echo "wrote $4"

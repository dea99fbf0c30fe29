#!/usr/bin/python3
"""Compare what nfacctd published to Kafka with make-pcap.py's expected totals.

Usage:
    /usr/bin/python3 e2e/check-topic.py DUMP_JSONL EXPECTED_JSON [--label edge1] [--report OUT]

DUMP_JSONL is written by e2e/TopicDump.java: one line per Kafka message,
{"partition":..,"offset":..,"value":"<message>"}. A message holds one JSON record,
or with kafka_multi_values several records, one per line, each ending in "\\n".
Records with "event_type" other than "purge" (kafka_markers' purge_init /
purge_close) are counted and skipped.

For each record: AS numbers are as_src / as_dst; where nfacctd gave 0 (IPv6 with the
shipped networks.lst, everything in the "noas" variant) the address is looked up in
expected.json's "ases" prefixes, longest match, the way flow-exporter falls back to
its .mmdb. Direction: "receive" when the destination AS is the operator's,
"transmit" when the source AS is. Bytes and packets are summed per
(src_as, dst_as, direction) and must EQUAL expected.json "totals", row for row.

Also checked: every record has label == --label and the fields flow-exporter reads
(with pmacct's flows, which add up to the capture's flows);
the record count equals expected "unidirectional_flows" (each softflowd record is a
distinct 5-tuple, so pmacct never merges two of them).

Exit 0 when everything matches, 1 otherwise (differences on stderr). --report writes
a JSON summary (messages, records, markers, fallback lookups, shapes seen).
"""

import argparse
import ipaddress
import json
import sys

REQUIRED = ("as_src", "as_dst", "ip_src", "ip_dst", "peer_ip_src", "label", "packets", "bytes",
            "flows")


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("expected")
    ap.add_argument("--label", default="edge1")
    ap.add_argument("--report")
    a = ap.parse_args(argv)

    exp = json.load(open(a.expected, encoding="utf-8"))
    operator = exp["operator_asn"]
    nets = []
    for asn, info in exp["ases"].items():
        for p in info["prefixes"]:
            nets.append((ipaddress.ip_network(p), int(asn)))
    nets.sort(key=lambda n: -n[0].prefixlen)

    def lookup(ip):
        addr = ipaddress.ip_address(ip)
        for net, asn in nets:
            if addr.version == net.version and addr in net:
                return asn
        return 0

    errors = []
    sums = {}
    messages = records = markers = fallback = flows = 0
    per_message = []
    keysets = set()
    for line in open(a.dump, encoding="utf-8"):
        if not line.strip():
            continue
        messages += 1
        value = json.loads(line)["value"]
        objs = [json.loads(x) for x in value.split("\n") if x.strip()]
        per_message.append(len(objs))
        for r in objs:
            if r.get("event_type") != "purge":
                markers += 1
                continue
            records += 1
            keysets.add(tuple(sorted(r)))
            missing = [k for k in REQUIRED if k not in r]
            if missing:
                errors.append(f"record without {missing}: {r}")
                continue
            if r["label"] != a.label:
                errors.append(f"label {r['label']!r} != {a.label!r}: {r}")
            s, d = r["as_src"], r["as_dst"]
            if s == 0:
                s = lookup(r["ip_src"])
                fallback += 1
            if d == 0:
                d = lookup(r["ip_dst"])
                fallback += 1
            if d == operator:
                direction = "receive"
            elif s == operator:
                direction = "transmit"
            else:
                errors.append(f"neither end is AS {operator} (src {s}, dst {d}): {r}")
                continue
            flows += r["flows"]
            row = sums.setdefault((s, d, direction), [0, 0])
            row[0] += r["packets"]
            row[1] += r["bytes"]

    want = {(t["src_as"], t["dst_as"], t["direction"]): [t["packets"], t["bytes"]]
            for t in exp["totals"]}
    for k in sorted(set(want) | set(sums), key=str):
        if want.get(k) != sums.get(k):
            errors.append(f"{k}: expected packets/bytes {want.get(k)}, topic has {sums.get(k)}")
    if records != exp["unidirectional_flows"]:
        errors.append(f"{records} records, expected {exp['unidirectional_flows']} (one per flow)")
    if flows != exp["unidirectional_flows"]:
        errors.append(f"pmacct's flows add up to {flows}, expected {exp['unidirectional_flows']}")

    report = {
        "messages": messages, "records": records, "markers": markers,
        "records_per_message_max": max(per_message, default=0),
        "fallback_lookups": fallback, "flows": flows,
        "packets": sum(v[0] for v in sums.values()), "bytes": sum(v[1] for v in sums.values()),
        "expected_packets": exp["packets"], "expected_bytes": exp["bytes"],
        "record_field_sets": [list(k) for k in sorted(keysets)],
        "ok": not errors, "errors": errors[:50],
    }
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    for e in errors[:50]:
        print("check-topic: " + e, file=sys.stderr)
    print(f"check-topic: {messages} messages, {records} records, {markers} markers, "
          f"{fallback} AS-0 fallback lookups, {report['packets']} packets, {report['bytes']} bytes: "
          + ("EXACT MATCH" if not errors else f"{len(errors)} DIFFERENCES"), file=sys.stderr)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

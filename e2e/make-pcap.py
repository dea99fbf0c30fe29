#!/usr/bin/python3
"""Write the end-to-end test capture and the totals a NetFlow collector must report for it.

Usage:
    /usr/bin/python3 e2e/make-pcap.py OUT_DIR [--flows N] [--seed S]
    /usr/bin/python3 e2e/make-pcap.py --check-networks deploy/pmacct/networks.lst

(/usr/bin/python3: Debian's python3-scapy is installed for the system interpreter.)

Writes, into OUT_DIR (created if missing):
    flows.pcap      Ethernet (DLT_EN10MB) capture, classic pcap format, microsecond timestamps.
    expected.json   What an exact collector must count for that capture (format below).

The capture is fully deterministic: the same --flows/--seed give a byte-identical
flows.pcap and expected.json on any machine (fixed seed, fixed timestamps, no clock,
no randomness from scapy itself). Defaults: 3000 conversations, seed 5.

Traffic model
    One operator, AS 64500 (192.0.2.0/24, 198.51.100.0/24, 2001:db8:100::/48),
    talks to four other ASes (ASES below). Every conversation has exactly one end in the
    operator's space and one in a peer AS, so every packet is either "receive"
    (destination is the operator) or "transmit" (source is the operator).
    A conversation is TCP or UDP, IPv4 or IPv6 (about 1/3 IPv6), initiated from either
    side, with 1-8 packets from the initiator and 0-8 replies; its 5-tuple is unique in the
    capture, so softflowd sees one bidirectional flow per conversation and exports up to
    two unidirectional NetFlow records for it. TCP conversations carry SYN / ACK / PSH /
    FIN flags like a real session. All packets fall inside a 40-second window, far below
    every softflowd timeout; softflowd expires everything when the file ends.

    Payloads vary from 0 to 1400 bytes. Frames are NOT padded to the 60-byte Ethernet
    minimum (see "Byte semantics").

Byte semantics
    "bytes" is the sum of the IP datagram lengths: IPv4 total length (header included),
    IPv6 payload length + 40; L3 bytes, no Ethernet header, no FCS, no padding. That is
    what routers put in NetFlow IN_BYTES / IPFIX octetDeltaCount.
    softflowd 1.1.0 does not read the IP length field: it counts the captured packet's
    wire length minus the datalink header (14 bytes for Ethernet). For a frame padded to
    60 bytes (a 40-byte TCP SYN) it would report 46 bytes, not 40. So this script writes
    unpadded frames, for which wire length - 14 == IP total length exactly, and the
    totals below are what both softflowd and a router would report.

expected.json
    {
      "schema": 1,
      "generator": {"script": "e2e/make-pcap.py", "seed": 5, "conversations": 3000},
      "operator_asn": 64500,
      "ases": {"64500": {"name": "...", "prefixes": ["192.0.2.0/24", ...]}, ...},
      "conversations": 3000,          # bidirectional 5-tuples
      "unidirectional_flows": N,      # 5-tuples with >= 1 packet, per direction
      "packets": P, "bytes": B,       # grand totals
      "totals": [                     # one row per (src_as, dst_as, direction), sorted
        {"src_as": 15169, "dst_as": 64500, "direction": "receive",
         "packets": 123, "bytes": 45678},
        ...
      ],
      "totals_by_family": [ same rows with an extra "family": "ipv4" | "ipv6" ]
    }
    "direction" is the operator's view: "receive" = dst_as is the operator
    (flow_receive_*_total), "transmit" = src_as is the operator (flow_transmit_*_total).
"""

import argparse
import ipaddress
import json
import os
import random
import struct
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw

OPERATOR_ASN = 64500

# AS number -> (name as a GeoLite2-ASN style database spells it, prefixes). The same IPv4
# prefixes are in deploy/pmacct/networks.lst; run-pipeline.sh checks that they agree.
ASES = {
    64500: ("EXAMPLE-OPERATOR", ["192.0.2.0/24", "198.51.100.0/24", "2001:db8:100::/48"]),
    15169: ("GOOGLE", ["8.8.8.0/24", "142.250.0.0/15", "2001:4860::/32"]),
    13335: ("CLOUDFLARENET", ["1.1.1.0/24", "104.16.0.0/13", "2606:4700::/32"]),
    32934: ("FACEBOOK", ["157.240.0.0/16", "2a03:2880::/32"]),
    2906: ("AS-SSI", ["45.57.0.0/17", "2a00:86c0::/32"]),
}
PEER_ASNS = [15169, 13335, 32934, 2906]

# Well-known service ports per protocol; the other end uses an ephemeral port.
TCP_SERVICES = [443, 80, 22, 25, 993, 8080]
UDP_SERVICES = [53, 123, 443, 4500, 3478]

BASE_TIME_US = 1_735_689_600 * 1_000_000  # 2025-01-01T00:00:00Z
WINDOW_US = 40 * 1_000_000

ROUTER_MAC = "02:00:00:00:00:01"
HOST_MAC = "02:00:00:00:00:02"


def host_pool(rng, prefix, count):
    """`count` distinct host addresses inside `prefix` (never network/broadcast)."""
    net = ipaddress.ip_network(prefix)
    span = min(net.num_addresses - 2, 1 << 20)
    picked = sorted(rng.sample(range(1, span + 1), count))
    return [str(net.network_address + i) for i in picked]


def build_pools(rng):
    """asn -> family -> list of host addresses (deterministic for a given rng state)."""
    pools = {}
    for asn in sorted(ASES):
        pools[asn] = {"ipv4": [], "ipv6": []}
        for prefix in ASES[asn][1]:
            fam = "ipv6" if ":" in prefix else "ipv4"
            pools[asn][fam].extend(host_pool(rng, prefix, 40))
    return pools


def l3(fam, src, dst, l4, payload_len, rng):
    """The IP datagram (header, L4 header, pseudo-random payload) as bytes."""
    payload = Raw(rng.randbytes(payload_len)) if payload_len else None
    pkt = (IP(src=src, dst=dst, ttl=64) if fam == "ipv4" else IPv6(src=src, dst=dst, hlim=64)) / l4
    if payload is not None:
        pkt = pkt / payload
    return bytes(pkt)


def make(out_dir, conversations, seed):
    rng = random.Random(seed)
    pools = build_pools(rng)
    seen = set()
    packets = []  # (time_us, seq, frame_bytes)
    totals = {}  # (src_as, dst_as, direction, family) -> [packets, bytes]
    uniflows = set()
    seq = 0

    for _ in range(conversations):
        while True:
            fam = "ipv6" if rng.random() < 0.35 else "ipv4"
            proto = "tcp" if rng.random() < 0.6 else "udp"
            peer = rng.choice(PEER_ASNS)
            op_host = rng.choice(pools[OPERATOR_ASN][fam])
            peer_host = rng.choice(pools[peer][fam])
            service = rng.choice(TCP_SERVICES if proto == "tcp" else UDP_SERVICES)
            eph = rng.randrange(1024, 65536)
            operator_is_client = rng.random() < 0.5
            if operator_is_client:
                client, server, c_as, s_as = op_host, peer_host, OPERATOR_ASN, peer
            else:
                client, server, c_as, s_as = peer_host, op_host, peer, OPERATOR_ASN
            key = (fam, proto, client, server, eph, service)
            # softflowd keys flows by the unordered address/port pair: keep them unique
            # both ways round.
            rkey = (fam, proto, server, client, service, eph)
            if key not in seen and rkey not in seen:
                seen.add(key)
                seen.add(rkey)
                break

        n_fwd = rng.randint(1, 8)
        n_rev = rng.randint(0, 8)
        start = rng.randrange(0, WINDOW_US - 2_000_000)
        t = start
        order = ["f"] * n_fwd + ["r"] * n_rev
        # Keep the first packet from the client (like a real session); shuffle the rest.
        rest = order[1:]
        rng.shuffle(rest)
        order = order[:1] + rest
        for i, who in enumerate(order):
            t += rng.randrange(100, 200_000)
            last = i == len(order) - 1
            if who == "f":
                src, dst, sport, dport, s, d = client, server, eph, service, c_as, s_as
            else:
                src, dst, sport, dport, s, d = server, client, service, eph, s_as, c_as
            if proto == "tcp":
                flags = "S" if i == 0 else ("FA" if last else rng.choice(["A", "PA"]))
                l4 = TCP(sport=sport, dport=dport, flags=flags, seq=rng.randrange(1 << 32),
                         ack=0 if flags == "S" else rng.randrange(1 << 32), window=64240)
                plen = 0 if flags in ("S", "FA") or rng.random() < 0.3 else rng.randrange(1, 1401)
            else:
                l4 = UDP(sport=sport, dport=dport)
                plen = rng.randrange(0, 1401)
            ip = l3(fam, src, dst, l4, plen, rng)
            frame = bytes(Ether(src=ROUTER_MAC, dst=HOST_MAC, type=0x0800 if fam == "ipv4" else 0x86DD)) + ip
            # No Ethernet padding: softflowd would count it (see "Byte semantics").
            assert len(frame) - 14 == len(ip)
            seq += 1
            packets.append((BASE_TIME_US + t, seq, frame))
            direction = "receive" if d == OPERATOR_ASN else "transmit"
            row = totals.setdefault((s, d, direction, fam), [0, 0])
            row[0] += 1
            row[1] += len(ip)
            uniflows.add((fam, proto, src, dst, sport, dport))

    packets.sort(key=lambda p: (p[0], p[1]))
    os.makedirs(out_dir, exist_ok=True)
    pcap_path = os.path.join(out_dir, "flows.pcap")
    tmp = pcap_path + ".tmp"
    with open(tmp, "wb") as f:
        # Classic pcap, little endian, v2.4, snaplen 65535, DLT_EN10MB. Written by hand so
        # the file is exactly these frames and timestamps, byte for byte.
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t_us, _, frame in packets:
            f.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame)))
            f.write(frame)
    os.replace(tmp, pcap_path)

    rows = []
    by_fam = []
    merged = {}
    for (s, d, direction, fam), (p, b) in sorted(totals.items()):
        by_fam.append({"src_as": s, "dst_as": d, "direction": direction, "family": fam,
                       "packets": p, "bytes": b})
        m = merged.setdefault((s, d, direction), [0, 0])
        m[0] += p
        m[1] += b
    for (s, d, direction), (p, b) in sorted(merged.items()):
        rows.append({"src_as": s, "dst_as": d, "direction": direction, "packets": p, "bytes": b})

    expected = {
        "schema": 1,
        "generator": {"script": "e2e/make-pcap.py", "seed": seed, "conversations": conversations},
        "operator_asn": OPERATOR_ASN,
        "ases": {str(a): {"name": n, "prefixes": p} for a, (n, p) in sorted(ASES.items())},
        "conversations": conversations,
        "unidirectional_flows": len(uniflows),
        "packets": sum(r["packets"] for r in rows),
        "bytes": sum(r["bytes"] for r in rows),
        "totals": rows,
        "totals_by_family": by_fam,
    }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=2, sort_keys=False)
        f.write("\n")
    return expected


def check_networks(path):
    """Exit status 0 if the IPv4 lines of a pmacct networks_file equal ASES' IPv4 prefixes."""
    listed = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("!"):
                continue
            asn, prefix = line.split(",")[-2:]
            listed.add((int(asn), str(ipaddress.ip_network(prefix))))
    wanted = {(a, p) for a, (_, ps) in ASES.items() for p in ps if ":" not in p}
    if listed != wanted:
        print(f"{path} and make-pcap.py ASES differ: only in file {sorted(listed - wanted)}, "
              f"only in ASES {sorted(wanted - listed)}", file=sys.stderr)
        return 1
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", nargs="?")
    ap.add_argument("--flows", type=int, default=3000, help="conversations (default 3000)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--check-networks", metavar="NETWORKS_LST",
                    help="only check that this networks_file lists exactly the IPv4 prefixes "
                         "of ASES, exit 0 if so, 1 if not")
    args = ap.parse_args(argv)
    if args.check_networks:
        return check_networks(args.check_networks)
    if not args.out_dir:
        ap.error("OUT_DIR is required")
    e = make(args.out_dir, args.flows, args.seed)
    print(f"wrote {args.out_dir}/flows.pcap: {e['packets']} packets, {e['bytes']} L3 bytes, "
          f"{e['conversations']} conversations, {e['unidirectional_flows']} unidirectional flows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

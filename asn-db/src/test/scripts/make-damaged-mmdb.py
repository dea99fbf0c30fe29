#!/usr/bin/env python3
# Writes hand-made MaxMind DB files that MaxMind's writer cannot make (damaged trees, absurd
# metadata, values nested far deeper than any real file) into the given folder: the .mmdb fuzz
# test's regression inputs. The encoding follows the MaxMind DB format 2.0 spec; one IPv4 tree
# node whose left half (0.0.0.0/1) points to the first data record.
#   usage: make-damaged-mmdb.py asn-db/src/test/resources/io/flowexporter/asndb/MmdbFuzzTestInputs/load
import struct, sys
def s(t): b=t.encode(); return bytes([0x40|len(b)])+b if len(b)<29 else bytes([0x40|29,len(b)-29])+b
def u16(v): b=v.to_bytes(2,'big'); return bytes([0xA0|2])+b
def u32(v): b=v.to_bytes(4,'big'); return bytes([0xC0|4])+b
def u64(v,n=8): b=v.to_bytes(n,'big'); return bytes([n,2])+b
def m(d): return bytes([0xE0|len(d)])+b''.join(k+v for k,v in d)
def arr(items): return bytes([len(items),4])+b''.join(items)
def mmdb(data, node_count=1, nc_enc=None, record_size=24, ip_version=4, left=None):
    left = node_count+16 if left is None else left
    tree = left.to_bytes(3,'big')+node_count.to_bytes(3,'big') if record_size==24 else None
    meta = m([(s('node_count'), nc_enc or u32(node_count)), (s('record_size'), u16(record_size)),
      (s('ip_version'), u16(ip_version)), (s('database_type'), s('GeoLite2-ASN')),
      (s('languages'), arr([s('en')])), (s('binary_format_major_version'), u16(2)),
      (s('binary_format_minor_version'), u16(0)), (s('build_epoch'), u64(1767225600)),
      (s('description'), m([(s('en'), s('x'))]))])
    return tree + b'\0'*16 + data + b'\xab\xcd\xefMaxMind.com' + meta
rec = lambda extra: m([(s('autonomous_system_number'), u32(15169)), (s('autonomous_system_organization'), s('G'))] + ([(s('extra'), extra)] if extra else []))
out = sys.argv[1]
open(out+'/valid-minimal','wb').write(mmdb(rec(None)))
open(out+'/deep-array-in-skipped-field','wb').write(mmdb(rec(b'\x01\x04'*100000 + b'\xc1\x01')))
open(out+'/deep-map-in-skipped-field','wb').write(mmdb(rec(b''.join(m([])[:0]+bytes([0xE1])+s('k') for _ in range(50000)) + b'\xc1\x01')))
open(out+'/node-count-uint64-huge','wb').write(mmdb(rec(None), node_count=1, nc_enc=u64(1<<62)))
open(out+'/pointer-loop-in-record','wb').write(mmdb(bytes([0x20,0x00]), node_count=1))

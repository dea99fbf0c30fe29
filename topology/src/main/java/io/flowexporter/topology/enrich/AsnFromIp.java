package io.flowexporter.topology.enrich;

/** When to look the source or destination address up in the AS database. */
public enum AsnFromIp {
  /** Only where the record's AS is 0 (pmacct without a BGP feed reports 0). */
  AUTO,
  /** Never: the record's AS numbers are used as they are. */
  NEVER
}

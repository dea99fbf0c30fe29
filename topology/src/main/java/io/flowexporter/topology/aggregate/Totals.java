package io.flowexporter.topology.aggregate;

/**
 * Bytes and packets of one series, summed over this instance's partitions for one scrape.
 *
 * @param bytes total bytes, sampling applied
 * @param packets total packets, sampling applied
 */
public record Totals(long bytes, long packets) {}

/**
 * Per-series totals: the processor that counts records, the state store that keeps totals per
 * partition and publishes them only once committed, and the outcome counters.
 */
package io.flowexporter.topology.aggregate;

/**
 * The Kafka Streams topology of flow-exporter, built by a pure function ({@link
 * io.flowexporter.topology.FlowTopology#build}) so that it can be tested without a broker.
 */
package io.flowexporter.topology;

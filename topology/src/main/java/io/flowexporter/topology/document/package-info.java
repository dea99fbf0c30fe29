/**
 * Flow documents: each counted record (or each one a {@link
 * io.flowexporter.topology.filter.FlowFilter} selects) as one JSON document in the Elastic Common
 * Schema ({@link io.flowexporter.topology.document.EcsDocuments}), with a deterministic {@code
 * event.id} ({@link io.flowexporter.topology.document.EventIds}), for a Kafka topic written inside
 * the counting transaction and for a {@link io.flowexporter.topology.document.DocumentLog} flushed
 * before each commit.
 */
package io.flowexporter.topology.document;

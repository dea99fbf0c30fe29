/**
 * Generated pmacct JSON flow records into a Kafka topic: for the demo, the {@code generate}
 * command, the integration tests and the benchmark. Not part of the exporter's jar.
 */
package io.flowexporter.generator;

/**
 * Running the topology on Kafka: client properties and clients, waiting, restore and lag reports.
 */
package io.flowexporter.app.kafka;

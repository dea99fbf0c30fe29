/**
 * A real Kafka broker in the calling process, for the demo, the integration tests and the
 * benchmark: records flow through it as through a cluster's broker, on loopback.
 */
package io.flowexporter.broker;

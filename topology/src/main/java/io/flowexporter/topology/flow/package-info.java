/**
 * The pmacct flow record as it arrives on Kafka: its fields, its parser, and the reasons a message
 * is refused.
 */
package io.flowexporter.topology.flow;

/**
 * Which flows a query selects: the query syntax shared by {@code --flow-filter} and the HTTP flow
 * API ({@code port=443&proto=tcp&net=192.0.2.0/24}), parsed once into an immutable {@link
 * io.flowexporter.topology.filter.FlowFilter}. No Kafka, no HTTP: the callers at the edges turn a
 * {@link io.flowexporter.topology.filter.FlowFilterException} into exit status 2 or HTTP 400.
 */
package io.flowexporter.topology.filter;

/**
 * The no-infrastructure demo and the {@code generate} command: generated pmacct records flow
 * through an embedded broker into the exporter. Built as its own jar, {@code
 * flow-exporter-demo.jar}; the exporter's jar has none of it.
 */
package io.flowexporter.demo;

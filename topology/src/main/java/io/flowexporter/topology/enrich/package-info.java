/**
 * From a parsed flow record to the series it counts toward: the direction rule, AS-from-IP and
 * sampling.
 */
package io.flowexporter.topology.enrich;

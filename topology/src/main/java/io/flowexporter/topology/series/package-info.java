/**
 * Series and their families: what a counted flow becomes before it is summed.
 *
 * <p>A {@link io.flowexporter.topology.series.SeriesFamily} declares one family of series (its
 * labels, how a flow yields them, the counters it exposes); a {@link
 * io.flowexporter.topology.series.SeriesKey} is one label set of one family and direction, in the
 * byte form that the aggregate stores, sends between its stages and renders at scrape time.
 */
package io.flowexporter.topology.series;

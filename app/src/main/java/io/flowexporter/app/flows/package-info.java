/**
 * The flow API: {@code /api/v1/flows/tap} (the flows that arrive from now on) and {@code
 * /api/v1/flows/search} (the flows of a past window), read straight from the input topic by a
 * consumer of each request's own, enriched and written as ECS documents while the client listens.
 * Nothing here runs on, or shares state with, the stream threads.
 *
 * <p>{@link FlowQuery} is the parsed request, {@link FlowScanner} the consumer loop, {@link
 * FlowWriter} the NDJSON / server-sent-events answer, {@link ApiTokens} who may ask, and {@link
 * FlowApi} the HTTP handler that joins them and caps concurrent scans.
 */
package io.flowexporter.app.flows;

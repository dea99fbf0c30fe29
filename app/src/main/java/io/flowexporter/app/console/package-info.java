/**
 * The web console: rates sampled in memory from this instance's committed totals ({@link
 * io.flowexporter.app.console.RateSampler}), the JSON that ranks them ({@code /api/v1/top}) and the
 * page at {@code /} that shows them, served from the jar.
 */
package io.flowexporter.app.console;

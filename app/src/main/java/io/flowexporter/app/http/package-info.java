/** The HTTP endpoints: Prometheus metrics, liveness and readiness. */
package io.flowexporter.app.http;

/** The exporter's own log set-up: where its lines go, in what form, at which levels. */
package io.flowexporter.app.logging;

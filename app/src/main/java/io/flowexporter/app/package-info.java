/** The command line and the wiring of one exporter process. */
package io.flowexporter.app;

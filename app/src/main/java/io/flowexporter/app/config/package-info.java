/** The exporter's configuration: immutable records, built once from the command line. */
package io.flowexporter.app.config;

/** The no-infrastructure demo: an embedded broker, a pmacct record generator and the exporter. */
package io.flowexporter.app.demo;

/** The flow log: flow documents appended to a rotated, gzip-compressed file. */
package io.flowexporter.app.documents;

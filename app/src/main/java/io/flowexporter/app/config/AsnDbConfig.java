package io.flowexporter.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The AS database and name overrides.
 *
 * @param database the .mmdb file, if any
 * @param names a CSV file of {@code asn,name} overrides, if any
 * @param reloadCheckInterval how often the database file is checked for replacement
 */
public record AsnDbConfig(
    Optional<Path> database, Optional<Path> names, Duration reloadCheckInterval) {}

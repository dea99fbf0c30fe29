package io.flowexporter.app;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag can also come from the environment: {@code --asn-db} from {@code
 * FLOW_EXPORTER_ASN_DB}, and so on. A flag on the command line wins over the variable; for a
 * repeatable flag the variable holds a comma-separated list.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  static final String PREFIX = "FLOW_EXPORTER_";

  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = env;
  }

  /** The variable that stands for a long option name: {@code --asn-db} → FLOW_EXPORTER_ASN_DB. */
  static String variableFor(String longName) {
    return PREFIX + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String value = env.get(variableFor(option.longestName()));
    return value == null || value.isEmpty() ? null : value;
  }
}

package io.flowexporter.app;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag can also come from the environment: {@code --asn-db} from {@code
 * FLOW_EXPORTER_ASN_DB}, and so on. A flag on the command line wins over the variable; for a
 * repeatable flag the variable holds a comma-separated list.
 *
 * <p>Kubernetes gives every pod variables for each Service of its namespace: a Service named {@code
 * flow-exporter} brings {@code FLOW_EXPORTER_PORT=tcp://10.0.0.7:9590}, which would read as {@code
 * --port} and stop every pod with a bad flag. A value of that form is not a port list anyone
 * writes, so it is ignored with a warning.
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
    String variable = variableFor(option.longestName());
    String value = env.get(variable);
    if (value != null && SERVICE_LINK.matcher(value).matches()) {
      if (warned.add(variable)) {
        LoggerFactory.getLogger(EnvironmentDefaults.class)
            .warn(
                "Ignoring {}={}: a Kubernetes service link, not a value for {} (set"
                    + " enableServiceLinks: false in the pod spec to keep such variables out)",
                variable,
                value,
                option.longestName());
      }
      return null;
    }
    return value == null || value.isEmpty() ? null : value;
  }

  /** What Kubernetes sets {@code <SERVICE>_PORT} to: {@code tcp://10.0.0.7:9590}. */
  private static final Pattern SERVICE_LINK = Pattern.compile("(?i)(tcp|udp|sctp)://\\S+");

  /** Variables already warned about: picocli may ask for a default more than once. */
  private final Set<String> warned = new HashSet<>();
}

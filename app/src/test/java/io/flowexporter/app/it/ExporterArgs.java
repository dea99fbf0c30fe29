package io.flowexporter.app.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of an exporter that counts a test topic from its beginning. */
final class ExporterArgs {

  /** The own AS numbers of {@link PmacctRecords}' flows. */
  static final String OWN_ASNS = PmacctRecords.OWN + "," + PmacctRecords.OWN_BIG;

  private ExporterArgs() {}

  /** The flags every such exporter needs, then {@code more}. */
  static String[] fromTheBeginning(
      String brokers, String topic, Path state, String applicationId, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--brokers",
                brokers,
                "--topic",
                topic,
                "--asn",
                OWN_ASNS,
                "--state-dir",
                state.toString(),
                "--application-id",
                applicationId,
                "--from-beginning"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}

package io.flowexporter.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, written there by the build. */
final class VersionProvider implements IVersionProvider {

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "flow-exporter " + version(),
      "Kafka Streams " + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
      "Java " + System.getProperty("java.version")
    };
  }
}

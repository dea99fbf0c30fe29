package io.flowexporter.demo;

import io.flowexporter.generator.FlowGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers of the bundled sample AS database ({@code /demo/sample-asn.csv}, the source the sample
 * .mmdb is generated from), so that generated addresses resolve in that database.
 */
public final class SamplePeers {

  public static final String CSV = "/demo/sample-asn.csv";
  public static final String MMDB = "/demo/sample-asn.mmdb";

  /**
   * The sample country database (GeoLite2-Country layout), made by
   * scripts/make-sample-country-db.sh.
   */
  public static final String COUNTRY_MMDB = "/demo/sample-country.mmdb";

  /** The demo operator: AS 64500 with 192.0.2.0/24 (documentation ranges). */
  public static final long DEMO_OWN_ASN = 64500;

  public static final String DEMO_OWN_PREFIX = "192.0.2.0/24";

  private SamplePeers() {}

  /** Every AS of the sample database except the demo operator's own, in file order. */
  public static List<FlowGenerator.Peer> load() {
    Map<Long, List<String>> prefixes = new LinkedHashMap<>();
    Map<Long, String> names = new LinkedHashMap<>();
    try (InputStream in = SamplePeers.class.getResourceAsStream(CSV)) {
      if (in == null) {
        throw new IllegalStateException(CSV + " is missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split(",", 3);
        long asn = Long.parseLong(f[1].strip());
        if (asn == DEMO_OWN_ASN) {
          continue;
        }
        prefixes.computeIfAbsent(asn, a -> new ArrayList<>()).add(f[0].strip());
        names.putIfAbsent(asn, f[2].strip().replaceAll("^\"|\"$", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<FlowGenerator.Peer> peers = new ArrayList<>();
    prefixes.forEach((asn, p) -> peers.add(new FlowGenerator.Peer(asn, names.get(asn), p)));
    return peers;
  }
}

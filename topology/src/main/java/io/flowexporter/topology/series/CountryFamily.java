package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.flow.FlowRecord;
import java.util.Arrays;
import java.util.List;

/**
 * The country family: {@code flow_country_{receive,transmit}_{bytes,packets}_total} with the labels
 * {@code country} (the remote side's ISO 3166-1 alpha-2 code, {@code ZZ} when unknown), {@code
 * country_name} and {@code hostname}. The remote side is the source for receive traffic and the
 * destination for transmit traffic (see {@link
 * io.flowexporter.topology.enrich.FlowClassifier#remoteCountry}).
 */
public final class CountryFamily {

  /** Family id 1, counting every counted flow: with a country database. */
  public static final SeriesFamily FAMILY = family(CountryFamily::countEvery);

  /**
   * The same family (id, labels, counters), counting only the flows whose record carries pmacct's
   * {@code country_ip_src} or {@code country_ip_dst}: without a country database, countries come
   * from pmacct alone, and a network whose pmacct adds none shows no country series at all rather
   * than all its traffic under {@code ZZ}. A record that carries the fields without a code (pmacct
   * did not know the address) counts under {@code ZZ}.
   */
  public static final SeriesFamily FROM_PMACCT = family(CountryFamily::countFromPmacct);

  private static SeriesFamily family(SeriesFamily.Extractor extractor) {
    return new SeriesFamily(
        1,
        "country",
        List.of(new Label("country", LabelKind.COUNTRY), new Label("hostname", LabelKind.TEXT)),
        List.of(
            new Counter(
                Direction.RECEIVE,
                Unit.BYTES,
                "flow_country_receive_bytes",
                "Bytes received into your AS from addresses in the country, sampling applied."),
            new Counter(
                Direction.TRANSMIT,
                Unit.BYTES,
                "flow_country_transmit_bytes",
                "Bytes sent from your AS to addresses in the country, sampling applied."),
            new Counter(
                Direction.RECEIVE,
                Unit.PACKETS,
                "flow_country_receive_packets",
                "Packets received into your AS from addresses in the country, sampling applied."),
            new Counter(
                Direction.TRANSMIT,
                Unit.PACKETS,
                "flow_country_transmit_packets",
                "Packets sent from your AS to addresses in the country, sampling applied.")),
        extractor);
  }

  private static void countEvery(CountedFlow flow, SeriesKeyWriter out) {
    out.begin().country(flow.remoteCountry()).text(flow.record().hostname()).emit();
  }

  private static void countFromPmacct(CountedFlow flow, SeriesKeyWriter out) {
    FlowRecord r = flow.record();
    if (r.countryIpSrc() != null || r.countryIpDst() != null) {
      countEvery(flow, out);
    }
  }

  private CountryFamily() {}

  /** The key of one country series. */
  public static SeriesKey key(Direction direction, String country, String hostname) {
    SeriesKey[] made = new SeriesKey[1];
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made[0] = SeriesKey.wrap(Arrays.copyOf(b, len)));
    w.use(FAMILY, direction);
    w.begin().country(country).text(hostname).emit();
    return made[0];
  }

  /** The labels of a country series, decoded; for tests and diagnostics. */
  public record Labels(Direction direction, String country, String hostname) {}

  /** Decodes a country series key (not the overflow series). */
  public static Labels labels(SeriesKey key) {
    List<Object> v = key.values(FAMILY);
    return new Labels(key.direction(), (String) v.get(0), (String) v.get(1));
  }
}

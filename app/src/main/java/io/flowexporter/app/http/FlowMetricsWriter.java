package io.flowexporter.app.http;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.series.Counter;
import io.flowexporter.topology.series.Label;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the traffic counters of every {@linkplain SeriesFamily family} in the Prometheus text
 * format (0.0.4) or OpenMetrics 1.0, straight from a snapshot of committed totals: each family's
 * counters in declaration order, each sample's labels rendered from the series key's bytes as the
 * family declares them. AS and country names are looked up at scrape time, so a new database
 * renames series without reprocessing. A family's overflow series shows {@code other} in every label.
 *
 * <p>Written by hand rather than through one meter object per series: at 100,000 series a meter
 * registry costs hundreds of milliseconds per scrape and a lot of heap. The text is encoded
 * straight into a byte buffer (UTF-8); each AS name is escaped and encoded once per scrape, text
 * labels are copied from the key's UTF-8 bytes; no string is built per sample.
 */
public final class FlowMetricsWriter {

  private static final byte[] OTHER = ascii("other");
  private static final byte[] CLOSE = ascii("\"} ");

  private static final int BUFFER = 1 << 16;
  /** Room for the fixed parts of a sample line and three numbers; names are written in pieces. */
  private static final int LINE_RESERVE = 256;

  private final OutputStream out;
  private final AsnLookup asn;
  private final CountryLookup countries;
  /** Escaped, encoded country names of this scrape, by the code's two letters. */
  private final byte[][] countryNames = new byte[26 * 26][];
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private long[] nameKeys = new long[1024];
  private byte[][] nameValues = new byte[1024][];
  private int nameCount;

  private FlowMetricsWriter(OutputStream out, AsnLookup asn, CountryLookup countries) {
    this.out = out;
    this.asn = asn;
    this.countries = countries;
  }

  /** The byte pieces of one family's sample lines, made once per scrape. */
  private record Pieces(byte[][] before, byte[][] beforeName) {
    static Pieces of(SeriesFamily family) {
      List<Label> labels = family.labels();
      byte[][] before = new byte[labels.size()][];
      byte[][] beforeName = new byte[labels.size()][];
      for (int i = 0; i < labels.size(); i++) {
        before[i] = ascii((i == 0 ? "_total{" : "\",") + labels.get(i).name() + "=\"");
        beforeName[i] = ascii("\"," + labels.get(i).name() + "_name=\"");
      }
      return new Pieces(before, beforeName);
    }
  }

  /**
   * Writes the families in UTF-8 and flushes what it buffered into {@code out} (without flushing
   * {@code out} itself); the caller writes {@code # EOF} after everything for OpenMetrics.
   */
  public static void write(
      OutputStream out, Map<SeriesKey, Totals> snapshot, SeriesFamilies families, AsnLookup asn, boolean openMetrics)
      throws IOException {
    write(out, snapshot, families, asn, CountryLookup.EMPTY, openMetrics);
  }

  /** {@link #write(OutputStream, Map, SeriesFamilies, AsnLookup, boolean)} with country names. */
  public static void write(
      OutputStream out,
      Map<SeriesKey, Totals> snapshot,
      SeriesFamilies families,
      AsnLookup asn,
      CountryLookup countries,
      boolean openMetrics)
      throws IOException {
    List<SeriesFamily> all = families.all();
    // Series grouped by family and direction, each group in snapshot order.
    int[] counts = new int[all.size() * 2];
    int[] groupOf = new int[128];
    Arrays.fill(groupOf, -1);
    for (int f = 0; f < all.size(); f++) {
      groupOf[all.get(f).id()] = 2 * f;
    }
    for (SeriesKey k : snapshot.keySet()) {
      int g = groupOf[k.familyId()];
      if (g >= 0) {
        counts[g + k.direction().ordinal()]++;
      }
    }
    SeriesKey[][] keys = new SeriesKey[counts.length][];
    Totals[][] totals = new Totals[counts.length][];
    for (int g = 0; g < counts.length; g++) {
      keys[g] = new SeriesKey[counts[g]];
      totals[g] = new Totals[counts[g]];
    }
    int[] filled = new int[counts.length];
    for (Map.Entry<SeriesKey, Totals> e : snapshot.entrySet()) {
      int g = groupOf[e.getKey().familyId()];
      if (g >= 0) {
        g += e.getKey().direction().ordinal();
        keys[g][filled[g]] = e.getKey();
        totals[g][filled[g]++] = e.getValue();
      }
    }
    FlowMetricsWriter w = new FlowMetricsWriter(out, asn, countries);
    for (int f = 0; f < all.size(); f++) {
      SeriesFamily family = all.get(f);
      Pieces pieces = Pieces.of(family);
      for (Counter c : family.counters()) {
        String header = openMetrics ? c.name() : c.name() + "_total";
        w.raw(("# HELP " + header + " " + c.help() + "\n# TYPE " + header + " counter\n").getBytes(StandardCharsets.UTF_8));
        byte[] name = ascii(c.name());
        int g = 2 * f + c.direction().ordinal();
        for (int i = 0; i < keys[g].length; i++) {
          w.sample(name, family, pieces, keys[g][i], totals[g][i].of(c.unit()));
        }
      }
    }
    w.flushBuffer();
  }

  private void sample(byte[] counter, SeriesFamily family, Pieces pieces, SeriesKey k, long value) throws IOException {
    if (pos > BUFFER - LINE_RESERVE) {
      flushBuffer();
    }
    put(counter);
    byte[] key = k.bytes();
    boolean overflow = k.isOverflow();
    int at = 2;
    List<Label> labels = family.labels();
    for (int i = 0; i < labels.size(); i++) {
      raw(pieces.before[i]);
      switch (labels.get(i).kind()) {
        case AS -> {
          long as = overflow ? -1 : SeriesKey.uint32(key, at);
          at += 4;
          if (overflow) {
            raw(OTHER);
          } else {
            room(20);
            putLong(as);
          }
          raw(pieces.beforeName[i]);
          raw(overflow ? OTHER : nameOf(as));
        }
        case NUMBER -> {
          if (overflow) {
            raw(OTHER);
          } else {
            room(20);
            putLong(SeriesKey.uint32(key, at));
          }
          at += 4;
        }
        case TEXT -> {
          if (overflow) {
            raw(OTHER);
          } else {
            int length = ((key[at] & 0xff) << 8) | (key[at + 1] & 0xff);
            escaped(key, at + 2, length);
            at += 2 + length;
          }
        }
        case COUNTRY -> {
          if (overflow) {
            raw(OTHER);
            raw(pieces.beforeName[i]);
            raw(OTHER);
          } else {
            escaped(key, at, 2);
            raw(pieces.beforeName[i]);
            raw(countryName(key[at], key[at + 1]));
            at += 2;
          }
        }
      }
    }
    room(LINE_RESERVE);
    put(CLOSE);
    putLong(value);
    buf[pos++] = '\n';
  }

  /** Appends UTF-8 label text, escaping backslash, double quote and newline. */
  private void escaped(byte[] b, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (pos > BUFFER - 2) {
        flushBuffer();
      }
      byte c = b[i];
      if (c == '\\' || c == '"') {
        buf[pos++] = '\\';
        buf[pos++] = c;
      } else if (c == '\n') {
        buf[pos++] = '\\';
        buf[pos++] = 'n';
      } else {
        buf[pos++] = c;
      }
    }
  }

  private void room(int bytes) throws IOException {
    if (pos > BUFFER - bytes) {
      flushBuffer();
    }
  }

  /** The escaped, encoded name of an AS: looked up once per scrape, in an open-addressing table. */
  private byte[] nameOf(long as) {
    int mask = nameKeys.length - 1;
    int i = slot(as, mask);
    while (nameValues[i] != null) {
      if (nameKeys[i] == as) {
        return nameValues[i];
      }
      i = (i + 1) & mask;
    }
    byte[] name = escape(asn.nameOf(as)).getBytes(StandardCharsets.UTF_8);
    nameKeys[i] = as;
    nameValues[i] = name;
    if (++nameCount * 2 > nameKeys.length) {
      growNames();
    }
    return name;
  }

  /** The escaped, encoded English name of a country: looked up once per scrape. */
  private byte[] countryName(byte first, byte second) {
    if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') {
      return encodedCountryName(first, second);
    }
    int i = (first - 'A') * 26 + (second - 'A');
    if (countryNames[i] == null) {
      countryNames[i] = encodedCountryName(first, second);
    }
    return countryNames[i];
  }

  private byte[] encodedCountryName(byte first, byte second) {
    String code = new String(new byte[] {first, second}, StandardCharsets.US_ASCII);
    return escape(countries.nameOf(code)).getBytes(StandardCharsets.UTF_8);
  }

  private void growNames() {
    long[] keys = nameKeys;
    byte[][] values = nameValues;
    nameKeys = new long[keys.length * 2];
    nameValues = new byte[keys.length * 2][];
    int mask = nameKeys.length - 1;
    for (int j = 0; j < keys.length; j++) {
      if (values[j] != null) {
        int i = slot(keys[j], mask);
        while (nameValues[i] != null) {
          i = (i + 1) & mask;
        }
        nameKeys[i] = keys[j];
        nameValues[i] = values[j];
      }
    }
  }

  private static int slot(long as, int mask) {
    long h = as * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** Appends bytes known to fit. */
  private void put(byte[] b) {
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** Appends bytes of any length. */
  private void raw(byte[] b) throws IOException {
    if (b.length > BUFFER - pos) {
      flushBuffer();
      if (b.length > BUFFER) {
        out.write(b);
        return;
      }
    }
    put(b);
  }

  /** Appends a non-negative number in decimal. */
  private void putLong(long v) {
    if (v < 0) {
      byte[] s = ascii(Long.toString(v));
      put(s);
      return;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    pos = end;
  }

  private void flushBuffer() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Label-value escaping of both formats: backslash, double quote and newline. */
  static String escape(String value) {
    boolean plain = true;
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c != '\\' && c != '"' && c != '\n';
    }
    if (plain) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}

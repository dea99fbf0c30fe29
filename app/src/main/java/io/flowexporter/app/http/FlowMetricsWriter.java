package io.flowexporter.app.http;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.series.Counter;
import io.flowexporter.topology.series.Label;
import io.flowexporter.topology.series.LabelKind;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the traffic counters of every {@linkplain SeriesFamily family} in the Prometheus text
 * format (0.0.4) or OpenMetrics 1.0, straight from a snapshot of committed totals: each family's
 * counters in declaration order, each sample's labels rendered from the series key's bytes as the
 * family declares them. AS and country names are looked up at scrape time, so a new database
 * renames series without reprocessing. A family's overflow series shows {@code other} in every
 * label.
 *
 * <p>Written by hand rather than through one meter object per series: at 100,000 series a meter
 * registry costs hundreds of milliseconds per scrape and a lot of heap. The text is encoded
 * straight into a byte buffer (UTF-8); each AS name is escaped and encoded once per scrape, text
 * labels are copied from the key's UTF-8 bytes; no string is built per sample.
 */
public final class FlowMetricsWriter {

  private static final byte[] OTHER = ascii("other");
  private static final byte[] CLOSE = ascii("\"} ");

  /**
   * Each owner partition keeps its own overflow series; the label tells them apart, so that no two
   * lines (of one instance, or of two) have one label set, and a partition's moves between
   * instances move its overflow series whole.
   */
  private static final byte[] OVERFLOW_PARTITION = ascii("\",overflow_partition=\"");

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
  private record Pieces(LabelKind[] kinds, byte[][] before, byte[][] beforeName) {
    static Pieces of(SeriesFamily family) {
      List<Label> labels = family.labels();
      LabelKind[] kinds = new LabelKind[labels.size()];
      byte[][] before = new byte[labels.size()][];
      byte[][] beforeName = new byte[labels.size()][];
      for (int i = 0; i < labels.size(); i++) {
        kinds[i] = labels.get(i).kind();
        before[i] = ascii((i == 0 ? "_total{" : "\",") + labels.get(i).name() + "=\"");
        beforeName[i] = ascii("\"," + labels.get(i).name() + "_name=\"");
      }
      return new Pieces(kinds, before, beforeName);
    }
  }

  /**
   * Writes the families in UTF-8 and flushes what it buffered into {@code out} (without flushing
   * {@code out} itself); the caller writes {@code # EOF} after everything for OpenMetrics.
   */
  public static void write(
      OutputStream out,
      TotalsSnapshot snapshot,
      SeriesFamilies families,
      AsnLookup asn,
      boolean openMetrics)
      throws IOException {
    write(out, snapshot, families, asn, CountryLookup.EMPTY, openMetrics);
  }

  /**
   * {@link #write(OutputStream, TotalsSnapshot, SeriesFamilies, AsnLookup, boolean)} with country
   * names.
   */
  public static void write(
      OutputStream out,
      TotalsSnapshot snapshot,
      SeriesFamilies families,
      AsnLookup asn,
      CountryLookup countries,
      boolean openMetrics)
      throws IOException {
    List<SeriesFamily> all = families.all();
    // Series numbers grouped by family and direction (a counting sort), each group in snapshot
    // order: the text format wants each counter's samples together.
    int groups = all.size() * 2;
    int[] groupOf = new int[SeriesFamily.IDS];
    Arrays.fill(groupOf, -1);
    for (int f = 0; f < all.size(); f++) {
      groupOf[all.get(f).id()] = 2 * f;
    }
    int n = snapshot.size();
    int[] groupOfSeries = new int[n];
    int[] start = new int[groups + 1];
    for (int i = 0; i < n; i++) {
      SeriesKey k = snapshot.key(i);
      int g = groupOf[k.familyId()];
      if (g >= 0) {
        g += k.direction().ordinal();
        start[g + 1]++;
      }
      groupOfSeries[i] = g;
    }
    for (int g = 0; g < groups; g++) {
      start[g + 1] += start[g];
    }
    int[] order = new int[start[groups]];
    int[] filled = Arrays.copyOf(start, groups);
    for (int i = 0; i < n; i++) {
      int g = groupOfSeries[i];
      if (g >= 0) {
        order[filled[g]++] = i;
      }
    }
    FlowMetricsWriter w = new FlowMetricsWriter(out, asn, countries);
    for (int f = 0; f < all.size(); f++) {
      if (start[2 * f] == start[2 * f + 2]) {
        // A family without series is absent, not announced: the country family of an exporter
        // whose records carry no countries, a start before the first commit.
        continue;
      }
      SeriesFamily family = all.get(f);
      Pieces pieces = Pieces.of(family);
      for (Counter c : family.counters()) {
        String header = openMetrics ? c.name() : c.name() + "_total";
        w.raw(
            ("# HELP " + header + " " + c.help() + "\n# TYPE " + header + " counter\n")
                .getBytes(StandardCharsets.UTF_8));
        byte[] name = ascii(c.name());
        int g = 2 * f + c.direction().ordinal();
        for (int j = start[g]; j < start[g + 1]; j++) {
          int i = order[j];
          w.sample(name, pieces, snapshot.key(i), snapshot.total(i, c.unit()));
        }
      }
    }
    w.flushBuffer();
  }

  private void sample(byte[] counter, Pieces pieces, SeriesKey k, long value) throws IOException {
    if (pos > BUFFER - LINE_RESERVE) {
      flushBuffer();
    }
    put(counter);
    byte[] key = k.bytes();
    boolean overflow = k.isOverflow();
    int at = 2;
    LabelKind[] kinds = pieces.kinds;
    for (int i = 0; i < kinds.length; i++) {
      raw(pieces.before[i]);
      switch (kinds[i]) {
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
    if (overflow && k.overflowPartition() >= 0) {
      raw(OVERFLOW_PARTITION);
      room(20);
      putLong(k.overflowPartition());
    }
    room(LINE_RESERVE);
    put(CLOSE);
    putLong(value);
    buf[pos++] = '\n';
  }

  /** Appends UTF-8 label text, escaping backslash, double quote and newline. */
  private void escaped(byte[] b, int offset, int length) throws IOException {
    int end = offset + length;
    int run = offset; // start of the bytes not yet copied
    for (int i = offset; i < end; i++) {
      byte c = b[i];
      if (c == '\\' || c == '"' || c == '\n') {
        copy(b, run, i - run);
        room(2);
        buf[pos++] = '\\';
        buf[pos++] = c == '\n' ? (byte) 'n' : c;
        run = i + 1;
      }
    }
    copy(b, run, end - run);
  }

  /** Appends a range of bytes of any length. */
  private void copy(byte[] b, int offset, int length) throws IOException {
    while (length > 0) {
      if (pos == BUFFER) {
        flushBuffer();
      }
      int n = Math.min(length, BUFFER - pos);
      System.arraycopy(b, offset, buf, pos, n);
      pos += n;
      offset += n;
      length -= n;
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

  /**
   * Appends a number in decimal, two digits per division: a scrape of 100,000 series writes 200,000
   * of them, and the digit loop led the profile.
   */
  private void putLong(long v) {
    if (v < 0) {
      put(ascii(Long.toString(v)));
      return;
    }
    int digits = 1;
    for (long t = v; t >= 10 && digits < 19; t /= 10) {
      digits++;
    }
    int i = pos + digits;
    pos = i;
    while (v >= 100) {
      long q = v / 100;
      int r = (int) (v - q * 100);
      buf[--i] = DIGIT_ONES[r];
      buf[--i] = DIGIT_TENS[r];
      v = q;
    }
    int r = (int) v;
    buf[--i] = DIGIT_ONES[r];
    if (r >= 10) {
      buf[--i] = DIGIT_TENS[r];
    }
  }

  private static final byte[] DIGIT_TENS = new byte[100];
  private static final byte[] DIGIT_ONES = new byte[100];

  static {
    for (int d = 0; d < 100; d++) {
      DIGIT_TENS[d] = (byte) ('0' + d / 10);
      DIGIT_ONES[d] = (byte) ('0' + d % 10);
    }
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

package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our tree walker and index against MaxMind's own reader, on random databases written by
 * MaxMind's own writer: the same networks in the same order, and the same AS for random
 * addresses.
 */
class MaxMindReaderCrossCheckTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "record size {0}, {1}")
  @CsvSource({
    "24, --ip-version=6", "28, --ip-version=6", "32, --ip-version=6",
    "24, --ip-version=4", "28, --ip-version=4", "24, --no-alias"
  })
  void sameNetworksAndAnswersAsMaxMindsReader(int recordSize, String option) throws Exception {
    SplittableRandom random = new SplittableRandom(recordSize * 31L + option.hashCode());
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      long asn = random.nextInt(20) == 0 ? random.nextLong(4_200_000_000L, 4_294_967_295L)
          : random.nextLong(1, 70_000);
      if (i % 3 != 0 || option.equals("--ip-version=4")) {
        int prefix = random.nextInt(8, 33);
        long address = random.nextLong(0x0100_0000L, 0xE000_0000L) & (-1L << (32 - prefix));
        csv.append(String.format("%d.%d.%d.%d/%d,%d,AS %d name%n", address >>> 24,
            (address >>> 16) & 255, (address >>> 8) & 255, address & 255, prefix, asn, asn));
      } else {
        int prefix = random.nextInt(19, 65);
        long hi = (0x2000_0000_0000_0000L | random.nextLong(1L << 60)) & (-1L << (64 - prefix));
        if ((hi >>> 48) == 0x2001 || (hi >>> 48) == 0x2002) {
          continue; // aliased to IPv4 by the writer
        }
        csv.append(String.format("%x:%x:%x:%x::/%d,%d,AS %d name%n", hi >>> 48,
            (hi >>> 32) & 0xFFFF, (hi >>> 16) & 0xFFFF, hi & 0xFFFF, prefix, asn, asn));
      }
    }
    Path file = TestDatabases.write(dir, "random.mmdb", csv.toString(),
        "--record-size=" + recordSize, option);

    try (Reader reader = new Reader(file.toFile())) {
      assertThat(walkerNetworks(reader, file)).isEqualTo(maxmindNetworks(reader));

      AsnDatabase db = AsnDatabase.load(file);
      int found = 0;
      for (int i = 0; i < 20_000; i++) {
        String text = randomAddress(random, csv, option);
        Map<?, ?> record = reader.get(InetAddress.getByName(text), Map.class); // a literal: no DNS
        long expected = record == null ? 0
            : ((Number) record.get("autonomous_system_number")).longValue();
        assertThat(db.asnOf(text)).as(text).isEqualTo(expected);
        if (expected != 0) {
          found++;
          assertThat(db.nameOf(expected)).isEqualTo("AS " + expected + " name");
        }
      }
      assertThat(found).as("addresses that hit a network").isGreaterThan(5_000);
    }
  }

  private static List<String> maxmindNetworks(Reader reader) throws Exception {
    List<String> out = new ArrayList<>();
    @SuppressWarnings({"rawtypes", "unchecked"})
    Networks<Map<String, Object>> networks = (Networks) reader.networks(false, Map.class);
    while (networks.hasNext()) {
      DatabaseRecord<Map<String, Object>> record = networks.next();
      out.add(record.network() + " " + record.data().get("autonomous_system_number"));
    }
    return out;
  }

  private static List<String> walkerNetworks(Reader reader, Path file) throws IOException {
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    var metadata = reader.getMetadata();
    MmdbWalker walker = new MmdbWalker(bytes, metadata.nodeCount(), metadata.recordSize(),
        metadata.ipVersion(), MmdbWalker.Fields.ALL);
    List<String> out = new ArrayList<>();
    List<Map<String, Object>> records = new ArrayList<>();
    walker.walk(new MmdbWalker.Sink() {
      @Override
      public void record(int record, Map<String, Object> data) {
        assertThat(record).isEqualTo(records.size());
        records.add(data);
      }

      @Override
      public void network(boolean ipv4, long hi, long lo, int prefix, int record) {
        byte[] address = ipv4
            ? ByteBuffer.allocate(4).putInt((int) lo).array()
            : ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
          out.add(InetAddress.getByAddress(address).getHostAddress() + "/" + prefix + " "
              + records.get(record).get("autonomous_system_number"));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    });
    return out;
  }

  /** Mostly addresses inside the listed networks (and their edges), some anywhere. */
  private static String randomAddress(SplittableRandom random, CharSequence csv, String option) {
    boolean v6 = !option.equals("--ip-version=4") && random.nextInt(3) == 0;
    if (v6) {
      long hi = 0x2000_0000_0000_0000L | random.nextLong(1L << 60);
      return String.format("%x:%x:%x:%x::%x", hi >>> 48, (hi >>> 32) & 0xFFFF,
          (hi >>> 16) & 0xFFFF, hi & 0xFFFF, random.nextInt(0x10000));
    }
    long address = random.nextLong(0, 1L << 32);
    String text = (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255)
        + "." + (address & 255);
    return random.nextInt(4) == 0 ? "::ffff:" + text : text;
  }
}

package io.flowexporter.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of bench/soak's verdict that read what jcmd prints. */
class SoakTest {

  private static String histogram(long bytes, long entryBytes) {
    return """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         81234        %d  [B (java.base@17.0.15)
           2:          2001        %d  io.flowexporter.topology.aggregate.SeriesBuckets$Entry
           3:           512          12288  java.lang.String (java.base@17.0.15)
        Total        83747       %d
        """
        .formatted(bytes, entryBytes, bytes + entryBytes + 12288);
  }

  @Test
  void readsLiveBytesPerClassFromAClassHistogram() {
    assertThat(Soak.classBytes(histogram(4_000_000, 64_032)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "[B",
                4_000_000L,
                "io.flowexporter.topology.aggregate.SeriesBuckets$Entry",
                64_032L,
                "java.lang.String",
                12_288L));
  }

  @Test
  void readsTheLiveHeapFromTheHistogramsTotal() {
    assertThat(Soak.liveKiB(histogram(4_000_000, 64_032))).isEqualTo(4_076_320 / 1024);
    assertThat(Soak.liveKiB("12345: no such process")).isEqualTo(-1);
  }

  @Test
  void namesTheClassesThatGrewMostFirst() {
    Map<String, Long> before = Soak.classBytes(histogram(4_000_000, 64_032));
    Map<String, Long> after = Soak.classBytes(histogram(4_100_000, 1_064_032));
    assertThat(Soak.topGrowth(before, after, 5))
        .containsExactly(
            Map.entry("io.flowexporter.topology.aggregate.SeriesBuckets$Entry", 1_000_000L),
            Map.entry("[B", 100_000L));
    assertThat(Soak.topGrowth(after, before, 5)).isEmpty();
  }
}

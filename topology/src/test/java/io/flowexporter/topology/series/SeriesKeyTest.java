package io.flowexporter.topology.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.enrich.Direction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The series-key format (stored in the changelog, sent between the stages, rendered at scrape
 * time): expected bytes here are written out from the format's Javadoc, never taken from the code.
 */
class SeriesKeyTest {

  @Test
  void anAsKeyHasTheDocumentedBytes() {
    // [family 0][direction 1 = transmit][source_as u32][destination_as u32][hostname: u16 length,
    // UTF-8]
    SeriesKey key = AsFamily.key(Direction.TRANSMIT, "ab", 1, 4_294_967_295L);
    assertThat(key.bytes())
        .containsExactly(0, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 2, 'a', 'b');
    assertThat(AsFamily.key(Direction.RECEIVE, "", 0, 0).bytes())
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void asKeysRoundTripThroughTheirLabels() {
    List<AsFamily.Labels> cases =
        List.of(
            new AsFamily.Labels(Direction.RECEIVE, "edge1", 15169, 64500),
            new AsFamily.Labels(Direction.TRANSMIT, "edge1", 64500, 15169),
            new AsFamily.Labels(Direction.RECEIVE, "", 0, 0),
            new AsFamily.Labels(Direction.TRANSMIT, "10.0.0.1", 4_294_967_295L, 4_200_000_001L),
            new AsFamily.Labels(
                Direction.RECEIVE,
                "x".repeat(1000),
                2_147_483_648L,
                1)); // past the 256-byte buffer
    for (AsFamily.Labels l : cases) {
      SeriesKey key = AsFamily.key(l.direction(), l.hostname(), l.sourceAs(), l.destinationAs());
      assertThat(AsFamily.labels(key)).isEqualTo(l);
      assertThat(key.familyId()).isZero();
      assertThat(key.isOverflow()).isFalse();
      // What the store reads back from its changelog is the same series.
      assertThat(SeriesKey.wrap(key.bytes().clone())).isEqualTo(key).hasSameHashCodeAs(key);
    }
  }

  @Test
  void hostnamesAreUtf8WithTheirByteLengthNotTheirCharCount() {
    String host = "routeur-é-東京-🛰";
    byte[] utf8 = host.getBytes(StandardCharsets.UTF_8);
    assertThat(utf8.length)
        .isGreaterThan(host.length()); // else the test would not tell the two apart
    SeriesKey key = AsFamily.key(Direction.RECEIVE, host, 15169, 64500);
    byte[] b = key.bytes();
    assertThat(((b[10] & 0xff) << 8) | (b[11] & 0xff)).isEqualTo(utf8.length);
    assertThat(Arrays.copyOfRange(b, 12, b.length)).isEqualTo(utf8);
    assertThat(AsFamily.labels(key).hostname()).isEqualTo(host);
    // Hostnames that differ by one character (same length in chars) are different series.
    assertThat(AsFamily.key(Direction.RECEIVE, "routeur-e-東京-🛰", 15169, 64500)).isNotEqualTo(key);
  }

  @Test
  void labelsThatDifferInOneFieldAreDifferentSeries() {
    // What the deleted SeriesTable test checked, now that the bytes are the identity.
    long maxAs = 4_294_967_295L;
    SeriesKey k = AsFamily.key(Direction.RECEIVE, "edge1", maxAs, 0);
    assertThat(
            List.of(
                AsFamily.key(Direction.TRANSMIT, "edge1", maxAs, 0),
                AsFamily.key(Direction.RECEIVE, "edge2", maxAs, 0),
                AsFamily.key(Direction.RECEIVE, "edge1", 0, maxAs),
                AsFamily.key(Direction.RECEIVE, "edge1", maxAs - 1, 0),
                SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0)))
        .doesNotContain(k);
    assertThat(AsFamily.key(Direction.RECEIVE, "edge1", maxAs, 0)).isEqualTo(k);
  }

  @Test
  void theOverflowKeyHasNoLabelsButItsOwnerPartition() {
    SeriesKey receive = SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0);
    SeriesKey transmit = SeriesKey.overflow(AsFamily.FAMILY, Direction.TRANSMIT, 0);
    assertThat(receive.bytes()).containsExactly(0, 0x80, 0, 0, 0, 0);
    assertThat(transmit.bytes()).containsExactly(0, 0x81, 0, 0, 0, 0);
    assertThat(receive.isOverflow()).isTrue();
    assertThat(receive.direction()).isEqualTo(Direction.RECEIVE);
    assertThat(transmit.direction()).isEqualTo(Direction.TRANSMIT);
    assertThat(receive.values(AsFamily.FAMILY)).isEmpty();
    assertThat(receive).isNotEqualTo(transmit);
    SeriesKey p300 = SeriesKey.wrapOverflow(7, Direction.TRANSMIT, 300);
    assertThat(p300.bytes()).containsExactly(7, 0x81, 0, 0, 1, 44);
    assertThat(p300.overflowPartition()).isEqualTo(300);
    assertThat(p300).isNotEqualTo(SeriesKey.wrapOverflow(7, Direction.TRANSMIT, 301));
    assertThat(SeriesKey.wrap(new byte[] {0, (byte) 0x80, 0, 0, 0, 0})).isEqualTo(receive);
    // The form written before the partition was part of it: still read, with no partition.
    SeriesKey before = SeriesKey.wrap(new byte[] {0, (byte) 0x80});
    assertThat(before.isOverflow()).isTrue();
    assertThat(before.overflowPartition()).isEqualTo(-1);
    assertThat(AsFamily.key(Direction.RECEIVE, "edge1", 1, 2).overflowPartition()).isEqualTo(-1);
  }

  @Test
  void invalidBytesAreRefused() {
    assertThatThrownBy(() -> SeriesKey.wrap(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SeriesKey.wrap(new byte[] {0}))
        .isInstanceOf(IllegalArgumentException.class);
    // Family ids are 0..127.
    assertThatThrownBy(() -> SeriesKey.wrap(new byte[] {(byte) 200, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    // Directions are 0 and 1.
    assertThatThrownBy(() -> SeriesKey.wrap(new byte[] {0, 2, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    // The overflow series has no labels.
    assertThatThrownBy(() -> SeriesKey.wrap(new byte[] {0, (byte) 0x80, 1}))
        .isInstanceOf(IllegalArgumentException.class);

    // Bytes that are a key but not the family's: too short, too long, a length past the end.
    byte[] good = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500).bytes();
    SeriesKey shortKey = SeriesKey.wrap(Arrays.copyOf(good, good.length - 1));
    assertThatThrownBy(() -> shortKey.values(AsFamily.FAMILY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
    SeriesKey longKey = SeriesKey.wrap(Arrays.copyOf(good, good.length + 1));
    assertThatThrownBy(() -> longKey.values(AsFamily.FAMILY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer");
    SeriesKey noHost = SeriesKey.wrap(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 2});
    assertThatThrownBy(() -> noHost.values(AsFamily.FAMILY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A direction byte is 0 or 1, with bit 7 for the overflow series: 0x82..0xff are garbage. (A
   * sign-extending mask once let them pass as overflow series equal to neither real one.)
   */
  @Test
  void directionBytesWithTheOverflowBitAndGarbageAreRefused() {
    for (int b = 0x82; b <= 0xff; b++) {
      byte[] key = {0, (byte) b};
      assertThatThrownBy(() -> SeriesKey.wrap(key))
          .as("direction byte 0x%x", b)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theHashIsFnv1aFoldedAndPinnedAcrossVersions() {
    // The hash picks each series' owner partition and changelog bucket: changing it moves every
    // series. Published FNV-1a 32 test vectors: "" 0x811c9dc5, "a" 0xe40c292c, "foobar" 0xbf9cf968;
    // folded as h ^ (h >>> 16).
    assertThat(SeriesKey.hashOf(new byte[0], 0, 0)).isEqualTo(0x811c9dc5 ^ 0x811c);
    assertThat(SeriesKey.hashOf("a".getBytes(StandardCharsets.US_ASCII), 0, 1))
        .isEqualTo(0xe40c292c ^ 0xe40c);
    byte[] foobar = "xxfoobarxx".getBytes(StandardCharsets.US_ASCII);
    assertThat(SeriesKey.hashOf(foobar, 2, 6)).isEqualTo(0xbf9cf968 ^ 0xbf9c);
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    assertThat(key.hash())
        .isEqualTo(key.hashCode())
        .isEqualTo(SeriesKey.hashOf(key.bytes(), 0, key.bytes().length));
  }

  @Test
  void theWriterReusesItsBufferWithoutLeakingTheLongerKeyIntoTheNext() {
    List<byte[]> keys = new ArrayList<>();
    SeriesKeyWriter w =
        new SeriesKeyWriter(
            (b, len, hash) -> {
              assertThat(hash).isEqualTo(SeriesKey.hashOf(b, 0, len));
              keys.add(Arrays.copyOf(b, len));
            });
    w.use(AsFamily.FAMILY, Direction.TRANSMIT);
    w.begin().as(1).as(2).text("y".repeat(600)).emit();
    w.begin().as(3).as(4).text("z").emit();
    assertThat(keys.get(0)).hasSize(2 + 8 + 2 + 600);
    assertThat(keys.get(1)).isEqualTo(AsFamily.key(Direction.TRANSMIT, "z", 3, 4).bytes());
  }

  @Test
  void manyDistinctHostnamesStayCorrectPastTheTextCache() {
    // The writer caches encoded texts and empties the cache at 4,096: keys made before and after
    // the emptying are the same. (This proves correctness only; that the cache stays bounded is
    // not observable from outside.)
    List<SeriesKey> made = new ArrayList<>();
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made.add(SeriesKey.wrap(Arrays.copyOf(b, len))));
    w.use(AsFamily.FAMILY, Direction.RECEIVE);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 5000; i++) {
        w.begin().as(i).as(64500).text("router-" + i).emit();
      }
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(made.get(i)).isEqualTo(made.get(5000 + i));
      assertThat(AsFamily.labels(made.get(i)))
          .isEqualTo(new AsFamily.Labels(Direction.RECEIVE, "router-" + i, i, 64500));
    }
  }

  @Test
  void labelValuesOutsideTheirRangeAreRefused() {
    SeriesKeyWriter w = new SeriesKeyWriter((b, len, hash) -> {});
    w.use(AsFamily.FAMILY, Direction.RECEIVE);
    assertThatThrownBy(() -> w.begin().as(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.begin().as(4_294_967_296L))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.begin().number(Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.begin().text("é".repeat(32768))) // 65,536 bytes of UTF-8
        .isInstanceOf(IllegalArgumentException.class);
    // The largest text fits.
    List<String> back = new ArrayList<>();
    SeriesKeyWriter ok =
        new SeriesKeyWriter(
            (b, len, hash) ->
                back.add(
                    (String) SeriesKey.wrap(Arrays.copyOf(b, len)).values(AsFamily.FAMILY).get(2)));
    ok.use(AsFamily.FAMILY, Direction.RECEIVE);
    ok.begin().as(1).as(2).text("h".repeat(65535)).emit();
    assertThat(back).containsExactly("h".repeat(65535));
  }

  @Test
  void familiesNeedDistinctIdsWithinTheKeysRange() {
    SeriesFamily other =
        new SeriesFamily(
            99,
            "host",
            List.of(new Label("hostname", LabelKind.TEXT)),
            List.of(),
            (flow, out) -> out.begin().text(flow.record().hostname()).emit());
    SeriesFamilies both = new SeriesFamilies(List.of(AsFamily.FAMILY, other));
    assertThat(both.byId(99)).isSameAs(other);
    assertThat(both.byId(0)).isSameAs(AsFamily.FAMILY);
    assertThat(both.byId(1)).isNull();
    assertThatThrownBy(() -> new SeriesFamilies(List.of(AsFamily.FAMILY, AsFamily.FAMILY)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeriesFamily(128, "x", List.of(), List.of(), (flow, out) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeriesFamily(-1, "x", List.of(), List.of(), (flow, out) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNumberAndTextFamilyDecodesByItsOwnDeclaration() {
    SeriesFamily f =
        new SeriesFamily(
            5,
            "port",
            List.of(new Label("port", LabelKind.NUMBER), new Label("hostname", LabelKind.TEXT)),
            List.of(),
            (flow, out) -> {});
    List<SeriesKey> made = new ArrayList<>();
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made.add(SeriesKey.wrap(Arrays.copyOf(b, len))));
    w.use(f, Direction.TRANSMIT);
    w.begin().number(443).text("edge1").emit();
    assertThat(made.get(0).bytes())
        .containsExactly(5, 1, 0, 0, 1, 0xbb, 0, 5, 'e', 'd', 'g', 'e', '1');
    assertThat(made.get(0).values(f)).containsExactly(443L, "edge1");
  }
}

package io.flowexporter.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The world map: the real one built from the jar's shapes and code table, and the rules of its
 * drawing (thinning, tiny countries, the antimeridian, the latitudes shown, the codes) on hand-made
 * topologies.
 */
class WorldMapTest {

  private static final Pattern RING = Pattern.compile("M([^MZ]+)Z");
  private static final Pattern POINT = Pattern.compile("(-?[0-9.]+),(-?[0-9.]+)");

  private static JsonNode map;
  private static Map<String, JsonNode> byCode;

  @BeforeAll
  static void buildTheRealMap() throws Exception {
    map = new ObjectMapper().readTree(WorldMap.json());
    byCode = byCode(map);
  }

  private static Map<String, JsonNode> byCode(JsonNode map) {
    Map<String, JsonNode> out = new HashMap<>();
    map.path("countries").forEach(c -> out.put(c.path("code").asText(), c));
    return out;
  }

  /** The rings of a path, as lists of points. */
  static List<List<double[]>> rings(String d) {
    assertThat(d).as("a path of closed rings").matches("(M[^MZ]+Z)+");
    List<List<double[]>> rings = new ArrayList<>();
    Matcher r = RING.matcher(d);
    while (r.find()) {
      List<double[]> ring = new ArrayList<>();
      Matcher p = POINT.matcher(r.group(1));
      while (p.find()) {
        ring.add(new double[] {Double.parseDouble(p.group(1)), Double.parseDouble(p.group(2))});
      }
      rings.add(ring);
    }
    return rings;
  }

  /** Whether the place falls in the path (even-odd over its rings, as a hole is drawn). */
  static boolean contains(String d, double longitude, double latitude) {
    double x = (longitude + 180) / 360 * 1000;
    double y = (84 - latitude) / 360 * 1000;
    boolean in = false;
    for (List<double[]> ring : rings(d)) {
      for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        double[] a = ring.get(i);
        double[] b = ring.get(j);
        if ((a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) {
          in = !in;
        }
      }
    }
    return in;
  }

  private static String d(String code) {
    assertThat(byCode).as("the map's countries").containsKey(code);
    return byCode.get(code).path("d").asText();
  }

  @Test
  void hasAShapeForTheCountriesTheOldMapLackedAndTheBigOnes() {
    for (String code : List.of("HK", "MO", "TW", "XK", "MV", "MC", "SG", "CN", "US", "DE")) {
      assertThat(rings(d(code))).as(code).isNotEmpty();
    }
    assertThat(byCode.get("TW").path("name").asText()).isEqualTo("Taiwan");
    assertThat(byCode.get("HK").path("name").asText()).isEqualTo("Hong Kong");
    assertThat(byCode.get("XK").path("name").asText()).isEqualTo("Kosovo");
    // Australia is named after its own shape, not after Ashmore and Cartier Is. (the same id)
    assertThat(byCode.get("AU").path("name").asText()).isEqualTo("Australia");
    assertThat(byCode).hasSizeGreaterThan(225);
  }

  @Test
  void eachPlaceFallsInItsOwnCountrysShape() {
    // Taiwan is not drawn inside China's shape any more, nor Kosovo inside Serbia's.
    assertThat(contains(d("TW"), 121.56, 25.04)).as("Taipei in TW").isTrue();
    assertThat(contains(d("CN"), 121.56, 25.04)).as("Taipei in CN").isFalse();
    assertThat(contains(d("CN"), 116.40, 39.90)).as("Beijing in CN").isTrue();
    assertThat(contains(d("TW"), 116.40, 39.90)).as("Beijing in TW").isFalse();
    assertThat(d("TW")).isNotEqualTo(d("CN"));
    assertThat(contains(d("XK"), 21.17, 42.66)).as("Pristina in XK").isTrue();
    assertThat(contains(d("RS"), 21.17, 42.66)).as("Pristina in RS").isFalse();
    assertThat(contains(d("RS"), 20.46, 44.79)).as("Belgrade in RS").isTrue();
    // The tiny ones, drawn larger than they are, are where they are.
    assertThat(contains(d("HK"), 114.17, 22.32)).as("Hong Kong").isTrue();
    assertThat(contains(d("MO"), 113.55, 22.19)).as("Macao").isTrue();
    assertThat(contains(d("MC"), 7.42, 43.74)).as("Monaco").isTrue();
    assertThat(contains(d("SG"), 103.82, 1.35)).as("Singapore").isTrue();
    assertThat(contains(d("MV"), 73.51, 4.18)).as("Malé").isTrue();
    assertThat(contains(d("DE"), 13.40, 52.52)).as("Berlin").isTrue();
    assertThat(contains(d("US"), -98.0, 38.5)).as("Kansas").isTrue();
    assertThat(contains(d("US"), -147.72, 64.84)).as("Fairbanks").isTrue();
    assertThat(contains(d("RU"), 37.62, 55.75)).as("Moscow").isTrue();
  }

  @Test
  void smallCountriesComeAfterTheirNeighboursSoThatTheyAreDrawnOnTop() {
    List<String> order = new ArrayList<>();
    map.path("countries").forEach(c -> order.add(c.path("code").asText()));
    assertThat(order.indexOf("HK")).isGreaterThan(order.indexOf("CN"));
    assertThat(order.indexOf("MO")).isGreaterThan(order.indexOf("CN"));
    assertThat(order.indexOf("MC")).isGreaterThan(order.indexOf("FR"));
    assertThat(order.indexOf("VA")).isGreaterThan(order.indexOf("IT"));
    assertThat(order.indexOf("AD")).isGreaterThan(order.indexOf("ES"));
  }

  @Test
  void everyShapeWithAnIsoIdHasACodeAndOnlyFourShapesHaveNone() throws Exception {
    Map<String, String> codes;
    try (InputStream table = WorldMap.class.getResourceAsStream(WorldMap.CODES)) {
      codes = WorldMap.codesOf(table);
    }
    JsonNode topology;
    try (InputStream shapes = WorldMap.class.getResourceAsStream(WorldMap.SHAPES)) {
      topology = new ObjectMapper().readTree(shapes);
    }
    List<TopoJson.Geometry> shapes = TopoJson.geometries(topology, WorldMap.OBJECT);
    assertThat(shapes).hasSizeGreaterThan(200);
    Set<String> uncoded = new TreeSet<>();
    for (TopoJson.Geometry shape : shapes) {
      if (shape.id() != null) {
        assertThat(codes).as(shape.name() + " (" + shape.id() + ")").containsKey(shape.id());
      }
      String code = WorldMap.codeOf(shape, codes);
      if (code == null) {
        uncoded.add(shape.name());
      } else {
        assertThat(code).matches("[A-Z]{2}");
      }
    }
    assertThat(uncoded)
        .containsExactly("Indian Ocean Ter.", "N. Cyprus", "Siachen Glacier", "Somaliland");
    // all of ISO 3166-1, each code once
    assertThat(codes.keySet().stream().filter(k -> k.matches("[0-9]{3}"))).hasSize(249);
    assertThat(new TreeSet<>(codes.values())).hasSize(codes.size());
    // those big enough are drawn, never shaded: they have no code the page could match
    List<String> drawn = new ArrayList<>();
    map.path("uncoded").forEach(u -> drawn.add(u.path("name").asText()));
    assertThat(drawn).containsExactly("N. Cyprus", "Siachen Glacier", "Somaliland");
    map.path("uncoded").forEach(u -> assertThat(rings(u.path("d").asText())).isNotEmpty());
  }

  @Test
  void everyPointIsOnTheMapAndNoEdgeCrossesIt() {
    List<JsonNode> all = new ArrayList<>();
    map.path("countries").forEach(all::add);
    map.path("uncoded").forEach(all::add);
    double minRussia = 1000;
    double maxRussia = 0;
    for (JsonNode c : all) {
      for (List<double[]> ring : rings(c.path("d").asText())) {
        assertThat(ring).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < ring.size(); i++) {
          double[] p = ring.get(i);
          double[] next = ring.get((i + 1) % ring.size());
          assertThat(p[0]).as(c.path("name").asText()).isBetween(0.0, 1000.0);
          assertThat(p[1]).as(c.path("name").asText()).isBetween(0.0, 394.5);
          // a ring crossing the antimeridian uncut would draw a stripe across the whole map
          assertThat(Math.abs(next[0] - p[0])).as(c.path("name").asText()).isLessThan(50);
          if ("RU".equals(c.path("code").asText())) {
            minRussia = Math.min(minRussia, p[0]);
            maxRussia = Math.max(maxRussia, p[0]);
          }
        }
      }
    }
    // Chukotka's tip, east of 180°, is drawn at the left edge
    assertThat(minRussia).isLessThan(10);
    assertThat(maxRussia).isEqualTo(1000);
    assertThat(byCode).doesNotContainKey("AQ"); // south of the latitudes shown
  }

  // ---- the rules, on hand-made topologies (longitude, latitude; no transform) ----

  private static JsonNode built(String geometries, String arcs) throws Exception {
    JsonNode topology =
        new ObjectMapper()
            .readTree(
                "{\"type\": \"Topology\", \"objects\": {\"countries\": {\"type\":"
                    + " \"GeometryCollection\", \"geometries\": ["
                    + geometries
                    + "]}}, \"arcs\": ["
                    + arcs
                    + "]}");
    return WorldMap.build(
        topology,
        Map.of("250", "FR", "492", "MC", "643", "RU", "010", "AQ", "004", "AF", "Kosovo", "XK"));
  }

  private static String square(double lon, double lat, double size) {
    return "[[%s, %s], [%s, %s], [%s, %s], [%s, %s], [%s, %s]]"
        .formatted(lon, lat, lon + size, lat, lon + size, lat + size, lon, lat + size, lon, lat);
  }

  @Test
  void aTinyCountryIsADiamondDrawnAfterItsBigNeighbour() throws Exception {
    JsonNode m =
        built(
            """
            {"type": "Polygon", "id": "492", "properties": {"name": "Monaco"}, "arcs": [[0]]},
            {"type": "Polygon", "id": "250", "properties": {"name": "France"}, "arcs": [[1]]}
            """,
            square(7.40, 43.72, 0.04) + ", " + square(0, 40, 10));
    assertThat(m.path("countries").get(0).path("code").asText()).isEqualTo("FR");
    JsonNode mc = m.path("countries").get(1);
    assertThat(mc.path("code").asText()).isEqualTo("MC");
    assertThat(mc.path("name").asText()).isEqualTo("Monaco");
    List<List<double[]>> rings = rings(mc.path("d").asText());
    assertThat(rings).hasSize(1);
    assertThat(rings.get(0)).hasSize(4);
    double x = (7.42 + 180) / 360 * 1000;
    double y = (84 - 43.74) / 360 * 1000;
    assertThat(rings.get(0).get(0)[0]).isCloseTo(x, within(0.06));
    assertThat(rings.get(0).get(0)[1]).isCloseTo(y - WorldMap.DOT / 2, within(0.06));
    assertThat(rings.get(0).get(1)[0]).isCloseTo(x + WorldMap.DOT / 2, within(0.06));
    assertThat(contains(mc.path("d").asText(), 7.42, 43.74)).isTrue();
  }

  @Test
  void aBigCountrysIsletsAreDroppedAndItsCoastThinned() throws Exception {
    // a coast of 1001 points 0.01° apart (0.028 map units) and an islet 0.1° wide
    StringBuilder coast = new StringBuilder("[[0, 40]");
    for (int i = 1; i <= 1000; i++) {
      coast.append(", [").append(i / 100.0).append(", 40]");
    }
    coast.append(", [10, 50], [0, 50], [0, 40]]");
    JsonNode m =
        built(
            """
            {"type": "MultiPolygon", "id": "250", "properties": {"name": "France"},
             "arcs": [[[0]], [[1]]]}
            """,
            coast + ", " + square(12, 45, 0.1));
    List<List<double[]>> rings = rings(m.path("countries").get(0).path("d").asText());
    assertThat(rings).as("the islet is not drawn").hasSize(1);
    // 10° is 27.8 units: about one point per half unit kept
    assertThat(rings.get(0)).hasSizeBetween(50, 65);
  }

  @Test
  void bordersAreThinnedOnceSoThatNeighboursStillMeet() throws Exception {
    // a wiggly border of 200 points between two countries, given once (arc 0)
    StringBuilder border = new StringBuilder("[[10, 40]");
    for (int i = 1; i < 200; i++) {
      border.append(", [").append(10 + (i % 2) * 0.003).append(", ").append(40 + i * 0.05);
      border.append("]");
    }
    border.append(", [10, 50]]");
    JsonNode m =
        built(
            """
            {"type": "Polygon", "id": "250", "arcs": [[0, 1]]},
            {"type": "Polygon", "id": "004", "arcs": [[2, -1]]}
            """,
            border
                + ", [[10, 50], [0, 50], [0, 40], [10, 40]], [[10, 40], [20, 40], [20, 50], [10, 50]]");
    Map<String, JsonNode> codes = byCode(m);
    List<String> west = new ArrayList<>();
    rings(codes.get("FR").path("d").asText()).get(0).forEach(p -> west.add(p[0] + "," + p[1]));
    List<String> east = new ArrayList<>();
    rings(codes.get("AF").path("d").asText()).get(0).forEach(p -> east.add(p[0] + "," + p[1]));
    List<String> shared = west.stream().filter(east::contains).toList();
    assertThat(shared).hasSizeBetween(40, 70); // 10° high, 27.8 units: thinned from 201
    assertThat(west).hasSize(shared.size() + 2);
    assertThat(east).hasSize(shared.size() + 2);
  }

  @Test
  void aRingAcrossTheAntimeridianIsCutAndWhatIsBeyondDrawnAtTheOtherEdge() throws Exception {
    JsonNode m =
        built(
            """
            {"type": "Polygon", "id": "643", "properties": {"name": "Russia"}, "arcs": [[0]]}
            """,
            "[[170, 60], [180, 60], [-170, 60], [-170, 70], [180, 70], [170, 70], [170, 60]]");
    List<List<double[]>> rings = rings(m.path("countries").get(0).path("d").asText());
    assertThat(rings).hasSize(2);
    double y60 = (84 - 60) / 360.0 * 1000;
    double y70 = (84 - 70) / 360.0 * 1000;
    double x170 = 350 / 360.0 * 1000;
    double xMinus170 = 10 / 360.0 * 1000;
    for (List<double[]> ring : rings) {
      double minX = ring.stream().mapToDouble(p -> p[0]).min().orElseThrow();
      double maxX = ring.stream().mapToDouble(p -> p[0]).max().orElseThrow();
      if (minX > 500) {
        assertThat(minX).isCloseTo(x170, within(0.06));
        assertThat(maxX).isEqualTo(1000);
      } else {
        assertThat(minX).isEqualTo(0);
        assertThat(maxX).isCloseTo(xMinus170, within(0.06));
      }
      assertThat(ring.stream().mapToDouble(p -> p[1]).min().orElseThrow())
          .isCloseTo(y70, within(0.06));
      assertThat(ring.stream().mapToDouble(p -> p[1]).max().orElseThrow())
          .isCloseTo(y60, within(0.06));
    }
    assertThat(contains(m.path("countries").get(0).path("d").asText(), 175, 65)).isTrue();
    assertThat(contains(m.path("countries").get(0).path("d").asText(), -175, 65)).isTrue();
    assertThat(contains(m.path("countries").get(0).path("d").asText(), 0, 65)).isFalse();
  }

  @Test
  void shapesBeyondTheLatitudesShownAreLeftOutAndOthersClamped() throws Exception {
    JsonNode m =
        built(
            """
            {"type": "Polygon", "id": "010", "properties": {"name": "Antarctica"}, "arcs": [[0]]},
            {"type": "Polygon", "id": "004", "properties": {"name": "South"}, "arcs": [[1]]}
            """,
            square(0, -80, 10) + ", " + square(20, -62, 10));
    Map<String, JsonNode> codes = byCode(m);
    assertThat(codes).doesNotContainKey("AQ").containsKey("AF");
    for (double[] p : rings(codes.get("AF").path("d").asText()).get(0)) {
      assertThat(p[1]).isLessThanOrEqualTo((84 + 58) / 360.0 * 1000 + 0.05);
    }
  }

  @Test
  void shapesWithoutAnIdAreFoundByNameOrDrawnAsUncoded() throws Exception {
    JsonNode m =
        built(
            """
            {"type": "Polygon", "properties": {"name": "Kosovo"}, "arcs": [[0]]},
            {"type": "Polygon", "properties": {"name": "N. Cyprus"}, "arcs": [[1]]},
            {"type": "Polygon", "id": "999", "properties": {"name": "Unknown"}, "arcs": [[2]]}
            """,
            square(20, 42, 1) + ", " + square(33, 35, 1) + ", " + square(40, 35, 1));
    assertThat(byCode(m).keySet()).containsExactly("XK");
    List<String> uncoded = new ArrayList<>();
    m.path("uncoded").forEach(u -> uncoded.add(u.path("name").asText()));
    assertThat(uncoded).containsExactly("N. Cyprus", "Unknown");
    assertThat(contains(m.path("uncoded").get(0).path("d").asText(), 33.5, 35.5)).isTrue();
  }
}

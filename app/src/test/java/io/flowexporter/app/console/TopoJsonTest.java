package io.flowexporter.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** TopoJSON decoding on hand-made topologies, checked point by point. */
class TopoJsonTest {

  /**
   * Quantised (scale 0.5 by 0.25, translate 10, 20) and delta-encoded. Grid positions: two unit
   * squares 2 wide and 4 high sharing the border x=0 (arc 0, from (0,0) up to (0,4)), the left one
   * as [0, 1], the right one as [2, ~0] (arc 0 reversed); a multipolygon of a square with a square
   * hole and a triangle given reversed; a geometry of another type; one with a numeric id.
   */
  static final String QUANTISED =
      """
      {"type": "Topology",
       "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
       "objects": {"countries": {"type": "GeometryCollection", "geometries": [
         {"type": "Polygon", "id": "001", "properties": {"name": "West"}, "arcs": [[0, 1]]},
         {"type": "Polygon", "id": "002", "properties": {"name": "East"}, "arcs": [[2, -1]]},
         {"type": "MultiPolygon", "properties": {"name": "Islands"}, "arcs": [[[3], [4]], [[-6]]]},
         {"type": null, "id": "003", "properties": {"name": "Nowhere"}},
         {"type": "Polygon", "id": 4, "arcs": [[5]]}
       ]}},
       "arcs": [
         [[0, 0], [0, 4]],
         [[0, 4], [-2, 0], [0, -4], [2, 0]],
         [[0, 0], [2, 0], [0, 4], [-2, 0]],
         [[10, 10], [4, 0], [0, 4], [-4, 0], [0, -4]],
         [[11, 11], [0, 2], [2, 0], [0, -2], [-2, 0]],
         [[20, 20], [2, 0], [-2, 2], [0, -2]]
       ]}
      """;

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  /** The ring's points as "x y" strings, for readable comparisons. */
  private static List<String> points(List<double[]> ring) {
    List<String> out = new ArrayList<>();
    ring.forEach(p -> out.add(p[0] + " " + p[1]));
    return out;
  }

  @Test
  void decodesQuantisedDeltaEncodedArcsAndStitchesRings() throws Exception {
    List<TopoJson.Geometry> g = TopoJson.geometries(json(QUANTISED), "countries");
    assertThat(g).hasSize(5);

    TopoJson.Geometry west = g.get(0);
    assertThat(west.id()).isEqualTo("001");
    assertThat(west.name()).isEqualTo("West");
    assertThat(west.polygons()).hasSize(1);
    assertThat(west.polygons().get(0)).hasSize(1);
    // grid (0,0) (0,4) (-2,4) (-2,0) (0,0): x * 0.5 + 10, y * 0.25 + 20; the shared point once
    assertThat(points(west.polygons().get(0).get(0)))
        .containsExactly("10.0 20.0", "10.0 21.0", "9.0 21.0", "9.0 20.0", "10.0 20.0");

    // arc 2 then arc 0 reversed (index -1 is ~0): down the shared border
    assertThat(points(g.get(1).polygons().get(0).get(0)))
        .containsExactly("10.0 20.0", "11.0 20.0", "11.0 21.0", "10.0 21.0", "10.0 20.0");
  }

  @Test
  void decodesMultiPolygonsWithHolesAndReversedArcs() throws Exception {
    TopoJson.Geometry islands = TopoJson.geometries(json(QUANTISED), "countries").get(2);
    assertThat(islands.id()).isNull();
    assertThat(islands.polygons()).hasSize(2);
    List<List<double[]>> square = islands.polygons().get(0);
    assertThat(square).hasSize(2);
    assertThat(points(square.get(0)))
        .containsExactly("15.0 22.5", "17.0 22.5", "17.0 23.5", "15.0 23.5", "15.0 22.5");
    assertThat(points(square.get(1)))
        .as("the hole")
        .containsExactly("15.5 22.75", "15.5 23.25", "16.5 23.25", "16.5 22.75", "15.5 22.75");
    // arc 5, grid (20,20) (22,20) (20,22) (20,20), walked backwards (index -6 is ~5)
    assertThat(points(islands.polygons().get(1).get(0)))
        .containsExactly("20.0 25.0", "20.0 25.5", "21.0 25.0", "20.0 25.0");
  }

  @Test
  void otherGeometryTypesHaveNoPolygonsAndIdsMayBeNumbers() throws Exception {
    List<TopoJson.Geometry> g = TopoJson.geometries(json(QUANTISED), "countries");
    assertThat(g.get(3).id()).isEqualTo("003");
    assertThat(g.get(3).name()).isEqualTo("Nowhere");
    assertThat(g.get(3).polygons()).isEmpty();
    assertThat(g.get(4).id()).isEqualTo("4");
    assertThat(g.get(4).name()).isNull();
    assertThat(g.get(4).polygons()).hasSize(1);
  }

  @Test
  void withoutATransformArcsAreAbsolutePositions() throws Exception {
    JsonNode topology =
        json(
            """
            {"type": "Topology", "objects": {"one": {"type": "Polygon", "id": "9",
              "arcs": [[0, 1]]}},
             "arcs": [[[-170.5, 60.25], [-160, 60.25]], [[-160, 60.25], [-165, 65], [-170.5, 60.25]]]}
            """);
    List<TopoJson.Geometry> g = TopoJson.geometries(topology, "one");
    assertThat(g).hasSize(1);
    assertThat(points(g.get(0).polygons().get(0).get(0)))
        .containsExactly("-170.5 60.25", "-160.0 60.25", "-165.0 65.0", "-170.5 60.25");
  }

  @Test
  void eachArcIsMappedOnceBeforeTheRingsAreStitched() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<TopoJson.Geometry> g =
        TopoJson.geometries(
            json(QUANTISED),
            "countries",
            arc -> {
              calls.incrementAndGet();
              // keeps the ends only, doubled: as a projection that thins out would
              return List.of(
                  new double[] {2 * arc.get(0)[0], 2 * arc.get(0)[1]},
                  new double[] {2 * arc.get(arc.size() - 1)[0], 2 * arc.get(arc.size() - 1)[1]});
            });
    assertThat(calls).hasValue(6);
    // West: arc 0 (20,40)-(20,42), then arc 1's ends (20,42)-(20,40)
    assertThat(points(g.get(0).polygons().get(0).get(0)))
        .containsExactly("20.0 40.0", "20.0 42.0", "20.0 40.0");
  }

  @Test
  void refusesWhatIsNotATopologyAndArcsItDoesNotHave() throws Exception {
    assertThatThrownBy(() -> TopoJson.geometries(json("{\"type\": \"FeatureCollection\"}"), "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopoJson.geometries(json(QUANTISED), "land"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("land");
    JsonNode missingArc =
        json(
            """
            {"type": "Topology", "objects": {"one": {"type": "Polygon", "arcs": [[0, -3]]}},
             "arcs": [[[0, 0], [1, 1]]]}
            """);
    assertThatThrownBy(() -> TopoJson.geometries(missingArc, "one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }
}

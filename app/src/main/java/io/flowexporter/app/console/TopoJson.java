package io.flowexporter.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Decodes the polygons of a TopoJSON topology (the format of the world-atlas country shapes): each
 * arc is decoded once (delta-encoded and quantised when the topology has a {@code transform}), and
 * the rings are stitched from the arcs they name (an arc index {@code ~i}, that is {@code -i - 1},
 * is arc {@code i} reversed). Polygon and MultiPolygon geometries; any other type has no polygons.
 */
final class TopoJson {

  /**
   * One geometry of the object: its {@code id} and {@code properties.name} (null when absent), and
   * its polygons, each a list of rings (the outer ring first, then its holes), each a list of
   * points {@code [x, y]} whose last point is its first.
   */
  record Geometry(String id, String name, List<List<List<double[]>>> polygons) {}

  private final List<List<double[]>> arcs;

  private TopoJson(List<List<double[]>> arcs) {
    this.arcs = arcs;
  }

  /** The geometries of the topology's object {@code object}, in longitude and latitude. */
  static List<Geometry> geometries(JsonNode topology, String object) {
    return geometries(topology, object, UnaryOperator.identity());
  }

  /**
   * The geometries of the topology's object {@code object}, with each arc's points (longitude,
   * latitude) passed once through {@code eachArc} before the rings are stitched, so that arcs
   * shared by two shapes stay shared: {@code eachArc} may project or thin out the points, and must
   * keep the first and the last.
   */
  static List<Geometry> geometries(
      JsonNode topology, String object, UnaryOperator<List<double[]>> eachArc) {
    if (!"Topology".equals(topology.path("type").asText())) {
      throw new IllegalArgumentException("not a TopoJSON topology");
    }
    JsonNode o = topology.path("objects").path(object);
    if (o.isMissingNode()) {
      throw new IllegalArgumentException("the topology has no object " + object);
    }
    TopoJson topo = new TopoJson(decodeArcs(topology, eachArc));
    List<Geometry> out = new ArrayList<>();
    if ("GeometryCollection".equals(o.path("type").asText())) {
      o.path("geometries").forEach(g -> out.add(topo.geometry(g)));
    } else {
      out.add(topo.geometry(o));
    }
    return out;
  }

  private static List<List<double[]>> decodeArcs(
      JsonNode topology, UnaryOperator<List<double[]>> eachArc) {
    JsonNode transform = topology.path("transform");
    boolean quantised = transform.isObject();
    double sx = quantised ? transform.path("scale").path(0).asDouble() : 1;
    double sy = quantised ? transform.path("scale").path(1).asDouble() : 1;
    double tx = quantised ? transform.path("translate").path(0).asDouble() : 0;
    double ty = quantised ? transform.path("translate").path(1).asDouble() : 0;
    List<List<double[]>> arcs = new ArrayList<>();
    for (JsonNode arc : topology.path("arcs")) {
      List<double[]> points = new ArrayList<>(arc.size());
      // Quantised arcs are delta-encoded: each position is the sum of the ones up to it.
      long x = 0;
      long y = 0;
      for (JsonNode p : arc) {
        if (quantised) {
          x += p.path(0).asLong();
          y += p.path(1).asLong();
          points.add(new double[] {x * sx + tx, y * sy + ty});
        } else {
          points.add(new double[] {p.path(0).asDouble(), p.path(1).asDouble()});
        }
      }
      arcs.add(List.copyOf(eachArc.apply(points)));
    }
    return arcs;
  }

  private Geometry geometry(JsonNode g) {
    String id = g.hasNonNull("id") ? g.get("id").asText() : null;
    JsonNode nameNode = g.path("properties").path("name");
    String name = nameNode.isTextual() ? nameNode.asText() : null;
    List<List<List<double[]>>> polygons = new ArrayList<>();
    switch (g.path("type").asText()) {
      case "Polygon" -> polygons.add(polygon(g.path("arcs")));
      case "MultiPolygon" -> g.path("arcs").forEach(p -> polygons.add(polygon(p)));
      default -> {}
    }
    return new Geometry(id, name, polygons);
  }

  private List<List<double[]>> polygon(JsonNode rings) {
    List<List<double[]>> polygon = new ArrayList<>();
    rings.forEach(r -> polygon.add(ring(r)));
    return polygon;
  }

  /** The ring of the arcs: each arc's first point is the previous one's last, kept once. */
  private List<double[]> ring(JsonNode arcIndices) {
    List<double[]> ring = new ArrayList<>();
    for (JsonNode index : arcIndices) {
      int i = index.asInt();
      int arc = i >= 0 ? i : ~i;
      if (arc >= arcs.size()) {
        throw new IllegalArgumentException("no arc " + i + " in a topology of " + arcs.size());
      }
      List<double[]> points = arcs.get(arc);
      if (!ring.isEmpty()) {
        ring.remove(ring.size() - 1);
      }
      if (i >= 0) {
        ring.addAll(points);
      } else {
        for (int k = points.size() - 1; k >= 0; k--) {
          ring.add(points.get(k));
        }
      }
    }
    return ring;
  }
}

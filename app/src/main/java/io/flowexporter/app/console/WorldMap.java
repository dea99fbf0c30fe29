package io.flowexporter.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's world map as SVG paths, one per country, keyed by ISO 3166-1 alpha-2 code (the
 * {@code country} label): made once from the TopoJSON country shapes packed into the jar at build
 * time (Natural Earth's 1:50m admin-0 countries, from the npm package world-atlas) and the table of
 * ISO 3166-1 codes, in an equirectangular projection of {@value #WIDTH} units per 360 degrees,
 * rounded to a tenth of a unit (about 0.04 degrees), so that the page draws and scales it without
 * any library.
 *
 * <p>The shapes are far more detailed than a map 1000 units wide can show, so each arc of the
 * topology (a border or a coast, shared by the shapes on both sides) is thinned once: a point
 * closer than {@value #TOLERANCE} unit to the last one kept is dropped, and both sides of a border
 * stay the same line. A ring smaller than {@value #SPECK} unit both ways (an islet) of a larger
 * country is not drawn; a country that would be smaller than {@value #DOT} units both ways (Monaco,
 * Singapore, Hong Kong, the Maldives' atolls) is drawn as one diamond that wide per place instead,
 * so that it can be seen, shaded and pointed at; countries are listed largest first, so that those
 * come on top. A shape with no code of its own (N. Cyprus, Somaliland) is drawn apart, never
 * shaded.
 */
public final class WorldMap {

  static final String SHAPES = "/console/map/countries-50m.json";
  static final String OBJECT = "countries";
  static final String CODES = "/console/world-codes.tsv";
  static final int WIDTH = 1000;

  /** Latitudes shown: the inhabited world (Antarctica has no country traffic). */
  static final double NORTH = 84;

  static final double SOUTH = -58;

  /** A point of an arc closer than this (map units) to the last one kept is dropped. */
  static final double TOLERANCE = 0.5;

  /** A ring less wide and less high than this (map units) is an islet, not drawn as such. */
  static final double SPECK = 1;

  /** A country smaller than this both ways (map units) is drawn as diamonds this wide. */
  static final double DOT = 3;

  private WorldMap() {}

  /**
   * The map as JSON: {@code {"viewBox": ..., "countries": [{"code", "name", "d"}, ...], "uncoded":
   * [{"name", "d"}, ...]}}.
   */
  public static byte[] json() {
    try (InputStream shapes = WorldMap.class.getResourceAsStream(SHAPES);
        InputStream codes = WorldMap.class.getResourceAsStream(CODES)) {
      if (shapes == null || codes == null) {
        throw new IllegalStateException(
            "the world map is missing from the jar (" + SHAPES + ", " + CODES + ")");
      }
      return new ObjectMapper()
          .writeValueAsBytes(build(new ObjectMapper().readTree(shapes), codesOf(codes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The table's codes: ISO 3166-1 numeric code (or, for a shape without one, its name) to alpha-2
   * code; further columns are for the reader.
   */
  static Map<String, String> codesOf(InputStream table) throws IOException {
    Map<String, String> codes = new LinkedHashMap<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(table, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] columns = line.split("\t", -1);
      if (columns.length < 2 || columns[1].isBlank()) {
        throw new IllegalArgumentException("not key<TAB>code: " + line);
      }
      codes.put(columns[0].trim(), columns[1].trim());
    }
    return codes;
  }

  /** The code of a shape: by its numeric id, else by its name; null when it has none. */
  static String codeOf(TopoJson.Geometry shape, Map<String, String> codes) {
    String code = null;
    if (shape.id() != null) {
      String id = shape.id();
      // "004" is also written 4 by some tools
      code = codes.get(id.matches("[0-9]{1,2}") ? "000".substring(id.length()) + id : id);
    }
    if (code == null && shape.name() != null) {
      code = codes.get(shape.name());
    }
    return code;
  }

  /** The map of a TopoJSON topology whose object {@value #OBJECT} holds the country shapes. */
  static ObjectNode build(JsonNode topology, Map<String, String> codes) {
    Map<String, Country> countries = new TreeMap<>();
    Map<String, Country> uncoded = new TreeMap<>();
    for (TopoJson.Geometry shape : TopoJson.geometries(topology, OBJECT, WorldMap::projectArc)) {
      String code = codeOf(shape, codes);
      if (code != null) {
        countries.computeIfAbsent(code, c -> new Country()).add(shape);
      } else {
        String name = shape.name() != null ? shape.name() : String.valueOf(shape.id());
        uncoded.computeIfAbsent(name, n -> new Country()).add(shape);
      }
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode map = nodes.objectNode();
    map.put("viewBox", "0 0 " + WIDTH + " " + Math.round(y(SOUTH)));
    map.put(
        "source", "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas (ISC)");
    List<Drawn> drawn = new ArrayList<>();
    countries.forEach(
        (code, c) -> {
          Path d = c.draw(true);
          if (!d.d().isEmpty()) {
            drawn.add(new Drawn(code, c.name != null ? c.name : code, d.d(), d.area()));
          }
        });
    // Largest first: a small country drawn over its neighbour stays visible and can be pointed at.
    drawn.sort(Comparator.comparingDouble(Drawn::area).reversed().thenComparing(Drawn::code));
    ArrayNode out = map.putArray("countries");
    for (Drawn d : drawn) {
      ObjectNode c = out.addObject();
      c.put("code", d.code());
      c.put("name", d.name());
      c.put("d", d.d());
    }
    ArrayNode others = map.putArray("uncoded");
    uncoded.forEach(
        (name, c) -> {
          Path d = c.draw(false);
          if (!d.d().isEmpty()) {
            others.addObject().put("name", name).put("d", d.d());
          }
        });
    return map;
  }

  /** A country as drawn: its path and the area of its bounding box (map units). */
  private record Drawn(String code, String name, String d, double area) {}

  /** A path and the area of its bounding box (map units). */
  private record Path(String d, double area) {}

  /** The shapes of one code (or of one uncoded name), projected, cut and sorted into rings. */
  private static final class Country {
    private final List<List<double[]>> rings = new ArrayList<>();

    /** The centre of each outer ring too small to draw. */
    private final List<double[]> specks = new ArrayList<>();

    private String name;
    private int namePoints = -1;

    /** Adds a shape; the country is named after its largest shape (Australia, not Ashmore). */
    void add(TopoJson.Geometry shape) {
      int points = 0;
      for (List<List<double[]>> polygon : shape.polygons()) {
        boolean outer = true;
        for (List<double[]> ring : polygon) {
          points += ring.size();
          for (List<double[]> piece : onTheMap(ring)) {
            Box box = Box.of(List.of(piece));
            // (fewer than three distinct points: an islet whose arcs were thinned to a line)
            if ((box.width() < SPECK && box.height() < SPECK) || piece.size() < 4) {
              if (outer) {
                specks.add(box.centre());
              }
            } else {
              rings.add(piece);
            }
          }
          outer = false;
        }
      }
      if (shape.name() != null && points > namePoints) {
        name = shape.name();
        namePoints = points;
      }
    }

    /**
     * The path: the rings, or, for a country smaller than {@link #DOT} both ways when {@code dots},
     * one diamond per place (the centre of its rings, and each islet not under a diamond already
     * drawn); with the area it covers, as its bounding box's or its diamonds'.
     */
    Path draw(boolean dots) {
      Box box = Box.of(rings);
      if (dots && (rings.isEmpty() || (box.width() < DOT && box.height() < DOT))) {
        List<double[]> places = new ArrayList<>();
        if (!rings.isEmpty()) {
          places.add(box.centre());
        }
        for (double[] speck : specks) {
          // an islet under a diamond already drawn needs none of its own
          if (places.stream()
              .noneMatch(p -> Math.abs(p[0] - speck[0]) + Math.abs(p[1] - speck[1]) <= DOT / 2)) {
            places.add(speck);
          }
        }
        StringBuilder d = new StringBuilder();
        places.forEach(p -> path(diamond(p), d));
        return new Path(d.toString(), places.size() * DOT * DOT / 2);
      }
      StringBuilder d = new StringBuilder();
      rings.forEach(ring -> path(ring, d));
      return new Path(d.toString(), d.isEmpty() ? 0 : box.width() * box.height());
    }
  }

  /** A diamond {@link #DOT} wide around the point, within the map. */
  static List<double[]> diamond(double[] centre) {
    double r = DOT / 2;
    double x = Math.max(r, Math.min(WIDTH - r, centre[0]));
    double y = Math.max(r, Math.min(y(SOUTH) - r, centre[1]));
    return List.of(
        new double[] {x, y - r},
        new double[] {x + r, y},
        new double[] {x, y + r},
        new double[] {x - r, y},
        new double[] {x, y - r});
  }

  /** A ring's bounding box. */
  record Box(double minX, double minY, double maxX, double maxY) {
    static Box of(List<List<double[]>> rings) {
      double minX = Double.POSITIVE_INFINITY;
      double minY = Double.POSITIVE_INFINITY;
      double maxX = Double.NEGATIVE_INFINITY;
      double maxY = Double.NEGATIVE_INFINITY;
      for (List<double[]> ring : rings) {
        for (double[] p : ring) {
          minX = Math.min(minX, p[0]);
          minY = Math.min(minY, p[1]);
          maxX = Math.max(maxX, p[0]);
          maxY = Math.max(maxY, p[1]);
        }
      }
      return new Box(minX, minY, maxX, maxY);
    }

    double width() {
      return maxX - minX;
    }

    double height() {
      return maxY - minY;
    }

    double[] centre() {
      return new double[] {(minX + maxX) / 2, (minY + maxY) / 2};
    }
  }

  /**
   * An arc in map units, thinned: a point closer than {@link #TOLERANCE} to the last one kept is
   * dropped; the first and the last are kept, and an arc that is a whole ring (an island) keeps at
   * least a triangle, any other arc at least one point between them. Latitudes are not clamped yet:
   * a ring beyond the latitudes shown is dropped whole by {@link #onTheMap}.
   */
  static List<double[]> projectArc(List<double[]> lonLat) {
    List<double[]> xy = new ArrayList<>(lonLat.size());
    lonLat.forEach(p -> xy.add(new double[] {x(p[0]), y(p[1])}));
    List<double[]> kept = thin(xy, TOLERANCE);
    double[] first = xy.get(0);
    double[] last = xy.get(xy.size() - 1);
    if (kept.size() < 4 && first[0] == last[0] && first[1] == last[1]) {
      kept = thin(xy, 0);
    }
    return kept;
  }

  private static List<double[]> thin(List<double[]> points, double tolerance) {
    List<double[]> kept = new ArrayList<>();
    kept.add(points.get(0));
    for (int i = 1; i < points.size() - 1; i++) {
      double[] p = points.get(i);
      double gap = distance(p, kept.get(kept.size() - 1));
      if (gap > 0 && gap >= tolerance) {
        kept.add(p);
      }
    }
    if (kept.size() == 1 && points.size() > 2) {
      // Every interior point was dropped: keep the one farthest from the first, so that a ring
      // of two arcs (Macao: the border and the coast) is still a ring, not a line.
      double[] farthest = points.get(1);
      for (double[] p : points.subList(1, points.size() - 1)) {
        if (distance(p, kept.get(0)) > distance(farthest, kept.get(0))) {
          farthest = p;
        }
      }
      kept.add(farthest);
    }
    if (points.size() > 1) {
      double[] end = points.get(points.size() - 1);
      if (kept.size() > 2 && distance(end, kept.get(kept.size() - 1)) < tolerance) {
        kept.set(kept.size() - 1, end);
      } else {
        kept.add(end);
      }
    }
    return kept;
  }

  private static double distance(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }

  /**
   * A ring (map units) as drawn: none when it lies wholly beyond the latitudes shown; else with its
   * latitudes clamped, and when it crosses the antimeridian (Russia's Chukotka, Fiji), cut there,
   * the part beyond it drawn at the other edge of the map.
   */
  static List<List<double[]>> onTheMap(List<double[]> ring) {
    if (ring.isEmpty()) {
      return List.of();
    }
    // Unwrapped: a step of more than half the map is a crossing of the antimeridian.
    List<double[]> u = new ArrayList<>(ring.size());
    double shift = 0;
    double[] previous = null;
    for (double[] p : ring) {
      if (previous != null) {
        double dx = p[0] - previous[0];
        if (dx > WIDTH / 2.0) {
          shift -= WIDTH;
        } else if (dx < -WIDTH / 2.0) {
          shift += WIDTH;
        }
      }
      u.add(new double[] {p[0] + shift, p[1]});
      previous = p;
    }
    Box box = Box.of(List.of(u));
    if (box.minY() >= y(SOUTH) || box.maxY() <= 0) {
      return List.of();
    }
    double left = Math.floor(box.minX() / WIDTH) * WIDTH;
    List<double[]> moved = shifted(u, -left);
    List<List<double[]>> pieces = new ArrayList<>();
    if (box.maxX() - left <= WIDTH) {
      pieces.add(moved);
    } else {
      pieces.add(clip(moved, WIDTH, true));
      pieces.add(clip(shifted(moved, -WIDTH), 0, false));
    }
    List<List<double[]>> out = new ArrayList<>();
    for (List<double[]> piece : pieces) {
      List<double[]> clamped = new ArrayList<>(piece.size());
      for (double[] p : piece) {
        clamped.add(new double[] {p[0], Math.max(0, Math.min(y(SOUTH), p[1]))});
      }
      if (!clamped.isEmpty()) {
        out.add(clamped);
      }
    }
    return out;
  }

  private static List<double[]> shifted(List<double[]> ring, double dx) {
    List<double[]> out = new ArrayList<>(ring.size());
    ring.forEach(p -> out.add(new double[] {p[0] + dx, p[1]}));
    return out;
  }

  /** The part of a closed ring left of x (or right of it): Sutherland–Hodgman, one edge. */
  static List<double[]> clip(List<double[]> ring, double x, boolean keepLeft) {
    List<double[]> out = new ArrayList<>();
    int n = ring.size() - 1; // the last point is the first
    for (int i = 0; i < n; i++) {
      double[] from = ring.get((i + n - 1) % n);
      double[] to = ring.get(i);
      boolean fromIn = keepLeft ? from[0] <= x : from[0] >= x;
      boolean toIn = keepLeft ? to[0] <= x : to[0] >= x;
      if (toIn != fromIn) {
        double t = (x - from[0]) / (to[0] - from[0]);
        out.add(new double[] {x, from[1] + t * (to[1] - from[1])});
      }
      if (toIn) {
        out.add(to);
      }
    }
    if (!out.isEmpty()) {
      out.add(out.get(0));
    }
    return out;
  }

  /**
   * Appends a closed ring, rounded to tenths, unless fewer than three points of it are distinct.
   */
  private static void path(List<double[]> ring, StringBuilder d) {
    List<long[]> points = new ArrayList<>(ring.size());
    for (double[] p : ring.subList(0, ring.size() - 1)) {
      long[] q = {Math.round(10 * p[0]), Math.round(10 * p[1])};
      if (points.isEmpty() || !Arrays.equals(q, points.get(points.size() - 1))) {
        points.add(q);
      }
    }
    while (points.size() > 1 && Arrays.equals(points.get(0), points.get(points.size() - 1))) {
      points.remove(points.size() - 1);
    }
    if (points.size() < 3) {
      return;
    }
    for (int i = 0; i < points.size(); i++) {
      long[] q = points.get(i);
      d.append(i == 0 ? 'M' : 'L').append(tenths(q[0])).append(',').append(tenths(q[1]));
    }
    d.append('Z');
  }

  private static double x(double longitude) {
    return (longitude + 180) / 360 * WIDTH;
  }

  private static double y(double latitude) {
    return (NORTH - latitude) / 360 * WIDTH;
  }

  private static String tenths(long v) {
    String sign = v < 0 ? "-" : "";
    long a = Math.abs(v);
    return sign + (a % 10 == 0 ? Long.toString(a / 10) : (a / 10) + "." + (a % 10));
  }
}

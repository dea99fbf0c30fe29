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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's world map as SVG paths, one per country, keyed by ISO 3166-1 alpha-2 code (the
 * {@code country} label): made once from the GeoJSON country shapes packed into the jar at build
 * time (ECharts' world map, Natural Earth data, from its WebJar) and the table of their codes, in
 * an equirectangular projection of {@value #WIDTH} units per 360 degrees, rounded to a tenth of a
 * unit (about 0.04 degrees), so that the page draws and scales it without any library.
 */
public final class WorldMap {

  static final String SHAPES = "/console/map/world.json";
  static final String CODES = "/console/world-codes.tsv";
  static final int WIDTH = 1000;

  /** Latitudes shown: the inhabited world (Antarctica has no country traffic). */
  static final double NORTH = 84;

  static final double SOUTH = -58;

  private WorldMap() {}

  /** The map as JSON: {@code {"viewBox": ..., "countries": [{"code", "name", "d"}, ...]}}. */
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

  /** Shape name to code, from the table. */
  static Map<String, String> codesOf(InputStream table) throws IOException {
    Map<String, String> codes = new LinkedHashMap<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(table, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int tab = line.indexOf('\t');
      codes.put(line.substring(0, tab), line.substring(tab + 1).trim());
    }
    return codes;
  }

  /** The map of a GeoJSON feature collection whose features are named as the table names them. */
  static ObjectNode build(JsonNode geoJson, Map<String, String> codes) {
    Map<String, StringBuilder> paths = new TreeMap<>();
    Map<String, String> names = new TreeMap<>();
    for (JsonNode feature : geoJson.path("features")) {
      String name = feature.path("properties").path("name").asText("");
      String code = codes.get(name);
      if (code == null) {
        continue;
      }
      names.putIfAbsent(code, name);
      StringBuilder d = paths.computeIfAbsent(code, c -> new StringBuilder());
      JsonNode geometry = feature.path("geometry");
      switch (geometry.path("type").asText()) {
        case "Polygon" -> polygon(geometry.path("coordinates"), d);
        case "MultiPolygon" -> geometry.path("coordinates").forEach(p -> polygon(p, d));
        default -> {}
      }
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode map = nodes.objectNode();
    map.put("viewBox", "0 0 " + WIDTH + " " + Math.round(y(SOUTH)));
    map.put("source", "Natural Earth, via ECharts' world map (Apache-2.0)");
    ArrayNode countries = map.putArray("countries");
    for (Map.Entry<String, StringBuilder> e : paths.entrySet()) {
      if (e.getValue().length() == 0) {
        continue;
      }
      ObjectNode c = countries.addObject();
      c.put("code", e.getKey());
      c.put("name", names.get(e.getKey()));
      c.put("d", e.getValue().toString());
    }
    return map;
  }

  private static void polygon(JsonNode rings, StringBuilder d) {
    for (JsonNode ring : rings) {
      StringBuilder part = new StringBuilder();
      long lastX = Long.MIN_VALUE;
      long lastY = Long.MIN_VALUE;
      int points = 0;
      for (JsonNode point : ring) {
        long x = Math.round(10 * x(point.get(0).asDouble()));
        long y = Math.round(10 * y(Math.max(SOUTH, Math.min(NORTH, point.get(1).asDouble()))));
        if (x == lastX && y == lastY) {
          continue;
        }
        part.append(points == 0 ? 'M' : 'L').append(tenths(x)).append(',').append(tenths(y));
        lastX = x;
        lastY = y;
        points++;
      }
      if (points >= 3) {
        d.append(part).append('Z');
      }
    }
  }

  private static double x(double longitude) {
    return (longitude + 180) / 360 * WIDTH;
  }

  private static double y(double latitude) {
    return (NORTH - latitude) / 360 * WIDTH;
  }

  private static String tenths(long v) {
    return v % 10 == 0 ? Long.toString(v / 10) : (v / 10) + "." + Math.abs(v % 10);
  }
}

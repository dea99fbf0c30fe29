package io.flowexporter.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.RoutesServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page, its assets and the world map, from the jar's resources over real HTTP. */
class ConsolePageTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageItsAssetsAndNothingElse() throws Exception {
    try (MetricsServer server = RoutesServer.start(new ConsolePage()::mount)) {
      HttpResponse<String> page = get(server.port(), "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(policy).contains("default-src 'self'");
      // No directive lets the browser fetch from another host.
      assertThat(policy).doesNotContain("http:", "https:", "*", "//");
      assertThat(page.body())
          .contains(
              "/console/console.js",
              "/console/console.css",
              "not a time-series database",
              "this instance");
      // Nothing from the internet: every src and href of the page is on this server (or data:,
      // the empty icon that spares the browser a request).
      // Quoted either way or not at all.
      Matcher m =
          Pattern.compile("\\b(?:src|href)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>\"']+))")
              .matcher(page.body());
      List<String> links = new ArrayList<>();
      while (m.find()) {
        String link =
            m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        links.add(link);
        assertThat(link).as("a link of the page").matches("^([/#]|data:).*");
      }
      assertThat(links).contains("/console/console.js", "/console/console.css");
      assertThat(
              get(server.port(), "/console/console.js")
                  .headers()
                  .firstValue("Content-Type")
                  .orElseThrow())
          .startsWith("text/javascript");
      HttpResponse<String> css = get(server.port(), "/console/console.css");
      assertThat(css.statusCode()).isEqualTo(200);
      // Revalidated at each load: unchanged, a 304 without the body.
      String tag = css.headers().firstValue("ETag").orElseThrow();
      HttpResponse<String> again =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/console/console.css"))
                  .header("If-None-Match", "\"other\", " + tag)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isEmpty();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                          .header("If-None-Match", tag)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("another asset's tag")
          .isEqualTo(200);
      assertThat(get(server.port(), "/console/world-codes.tsv").statusCode()).isEqualTo(404);
      assertThat(get(server.port(), "/console/..%2Fconsole%2Findex.html").statusCode())
          .isEqualTo(404);
      assertThat(get(server.port(), "/metrics").statusCode()).isEqualTo(200);
      HttpResponse<String> world = get(server.port(), "/console/world.json");
      assertThat(world.statusCode()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(world.body()).path("countries").size())
          .isGreaterThan(225);
    }
  }

  @Test
  void theWorldMapHasAShapePerCountryKeyedByItsCode() throws Exception {
    JsonNode map = new ObjectMapper().readTree(WorldMap.json());
    assertThat(map.path("viewBox").asText()).isEqualTo("0 0 1000 394");
    Map<String, JsonNode> byCode = new HashMap<>();
    map.path("countries").forEach(c -> byCode.put(c.path("code").asText(), c));
    assertThat(byCode).hasSizeGreaterThan(225);
    // The sample country database's countries, and a few that Natural Earth names in short.
    for (String code :
        new String[] {
          "US", "IE", "NL", "SE", "JP", "BR", "DE", "FR", "GB", "AU", "CD", "KR", "CZ", "CI"
        }) {
      assertThat(byCode).as(code).containsKey(code);
      assertThat(byCode.get(code).path("d").asText()).as(code).startsWith("M").endsWith("Z");
    }
    assertThat(byCode.get("US").path("name").asText()).isEqualTo("United States of America");
    // Every point lies in the view box.
    Matcher m =
        Pattern.compile("[ML](-?[0-9.]+),(-?[0-9.]+)").matcher(byCode.get("US").path("d").asText());
    int points = 0;
    while (m.find()) {
      assertThat(Double.parseDouble(m.group(1))).isBetween(0.0, 1000.0);
      assertThat(Double.parseDouble(m.group(2))).isBetween(0.0, 394.0);
      points++;
    }
    assertThat(points).isGreaterThan(100);
    assertThat(WorldMap.json().length).as("bytes of the map").isLessThan(600_000);
  }
}

package io.flowexporter.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.RoutesServer;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/top} and {@code /api/v1/console} over real HTTP on a free loopback port. */
class TopApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RateSampler sampler =
      new RateSampler(
          () -> TotalsSnapshot.EMPTY,
          new SeriesFamilies(List.of(AsFamily.FAMILY, CountryFamily.FAMILY)),
          Duration.ofSeconds(5),
          Duration.ofMinutes(15),
          Clock.systemUTC());
  private MetricsServer server;

  private static final AsnLookup NAMES =
      new AsnLookup() {
        @Override
        public long asnOf(String ipAddress) {
          return 0;
        }

        @Override
        public String nameOf(long asn) {
          return asn == 15169 ? "Google LLC" : asn == 13335 ? "Cloudflare, Inc." : "";
        }
      };

  private static final CountryLookup COUNTRIES =
      new CountryLookup() {
        @Override
        public String countryOf(String ipAddress) {
          return "ZZ";
        }

        @Override
        public String nameOf(String code) {
          return code.equals("US") ? "United States" : "Unknown";
        }
      };

  @BeforeEach
  void start() {
    server = RoutesServer.start(new TopApi(sampler, NAMES, COUNTRIES, false)::mount);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    return JSON.readTree(r.body());
  }

  @Test
  void ranksPeersWithNamesRatesTotalsAndHistory() throws Exception {
    Map<SeriesKey, Totals> t = new LinkedHashMap<>();
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 10, 1));
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), new Totals(400, 4, 1));
    t.put(CountryFamily.key(Direction.RECEIVE, "US", "edge1"), new Totals(1400, 14, 2));
    sampler.sample(TotalsSnapshot.of(t), 0);
    JsonNode before = ok("/api/v1/top?family=as&direction=receive");
    assertThat(before.path("top").get(0).path("bits_per_second").isNull()).isTrue();
    assertThat(before.path("top").get(0).path("bytes").asLong()).isEqualTo(1000);

    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 10, 1));
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), new Totals(4400, 44, 3));
    sampler.sample(TotalsSnapshot.of(t), 4_000_000_000L);

    JsonNode top = ok("/api/v1/top?family=as&direction=receive&n=1");
    assertThat(top.path("family").asText()).isEqualTo("as");
    assertThat(top.path("direction").asText()).isEqualTo("receive");
    assertThat(top.path("scope").asText()).isEqualTo("instance");
    assertThat(top.path("interval_seconds").asInt()).isEqualTo(5);
    assertThat(top.path("history_seconds").asInt()).isEqualTo(900);
    assertThat(top.path("entities").asInt()).isEqualTo(2);
    assertThat(top.path("top")).hasSize(1);
    JsonNode first = top.path("top").get(0);
    assertThat(first.path("as").asLong()).isEqualTo(13335);
    assertThat(first.path("name").asText()).isEqualTo("Cloudflare, Inc.");
    assertThat(first.path("bits_per_second").asDouble()).isEqualTo(8000.0);
    assertThat(first.path("packets_per_second").asDouble()).isEqualTo(10.0);
    assertThat(first.path("bytes").asLong()).isEqualTo(4400);
    assertThat(first.path("history").get(0).asLong()).isEqualTo(8000);
    assertThat(top.path("total").path("bytes").asLong()).isEqualTo(5400);
    assertThat(top.path("total").path("bits_per_second").asDouble()).isEqualTo(8000.0);

    JsonNode country = ok("/api/v1/top?family=country&direction=receive&n=250");
    assertThat(country.path("top").get(0).path("country").asText()).isEqualTo("US");
    assertThat(country.path("top").get(0).path("name").asText()).isEqualTo("United States");
    assertThat(
            ok("/api/v1/top?family=router&direction=receive")
                .path("top")
                .get(0)
                .path("hostname")
                .asText())
        .isEqualTo("edge1");
    assertThat(ok("/api/v1/top?family=as&direction=transmit").path("top")).isEmpty();

    JsonNode console = ok("/api/v1/console");
    assertThat(console.path("families").toString()).isEqualTo("[\"as\",\"country\",\"router\"]");
    assertThat(console.path("flow_api").asBoolean()).isFalse();
    assertThat(console.path("note").asText())
        .contains("not a time-series database", "only the series it owns");
  }

  @Test
  void aBadPercentEscapeIsRefusedNamingItsParameterNotDropped() throws Exception {
    // Not over HTTP: Java's client refuses to send such a URL.
    assertThatThrownBy(() -> TopApi.parameters("family=as&direction=receive&n=%zz"))
        .isInstanceOfSatisfying(
            TopApi.BadParameter.class, e -> assertThat(e.parameter).isEqualTo("n"));
    assertThatThrownBy(() -> TopApi.parameters("family=as&family=%zz"))
        .isInstanceOfSatisfying(
            TopApi.BadParameter.class, e -> assertThat(e.parameter).isEqualTo("family"));
    assertThat(TopApi.parameters("family=as&n=1&n=2&x"))
        .containsEntry("family", List.of("as"))
        .containsEntry("n", List.of("1", "2"))
        .containsEntry("x", List.of(""));
  }

  @Test
  void aBadParameterIs400NamingIt() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("/api/v1/top?direction=receive", "family");
    bad.put("/api/v1/top?family=peer&direction=receive", "family");
    bad.put("/api/v1/top?family=port&direction=receive", "family");
    bad.put("/api/v1/top?family=as", "direction");
    bad.put("/api/v1/top?family=as&direction=in", "direction");
    bad.put("/api/v1/top?family=as&direction=receive&n=ten", "n");
    bad.put("/api/v1/top?family=as&direction=receive&n=0", "n");
    bad.put("/api/v1/top?family=as&direction=receive&n=1001", "n");
    bad.put("/api/v1/top?family=as&direction=receive&n=1&n=2", "n");
    bad.put("/api/v1/top?family=as&direction=receive&limit=5", "limit");
    bad.put("/api/v1/top?family=as&direction=receive&history=no", "history");
    bad.put("/api/v1/top?family=as&direction=receive&history=", "history");
    bad.put("/api/v1/top?family=as&direction=receive&history=true&history=false", "history");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> r = get(e.getKey());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("error").path("parameter").asText())
          .as(e.getKey())
          .isEqualTo(e.getValue());
      assertThat(body.path("error").path("message").asText()).as(e.getKey()).isNotEmpty();
    }
    assertThat(
            JSON.readTree(get("/api/v1/top?family=port&direction=receive").body())
                .path("error")
                .path("message")
                .asText())
        .contains("--port");
    assertThat(
            JSON.readTree(get("/api/v1/top?family=as&direction=receive&n=1001").body())
                .path("error")
                .path("message")
                .asText())
        .contains("1..1000");
    assertThat(
            JSON.readTree(get("/api/v1/top?family=as&direction=receive&n=99999999999999").body())
                .path("error")
                .path("message")
                .asText())
        .contains("outside 1..1000");
    // Leading zeros are the number they write, whatever their count.
    assertThat(get("/api/v1/top?family=as&direction=receive&n=0000000002").statusCode())
        .isEqualTo(200);
    assertThat(get("/api/v1/top?family=as&direction=receive&n=000").statusCode()).isEqualTo(400);
  }

  @Test
  void historyFalseLeavesOutEveryHistoryAndNothingElse() throws Exception {
    Map<SeriesKey, Totals> t = new LinkedHashMap<>();
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 10, 1));
    sampler.sample(TotalsSnapshot.of(t), 0);
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(2000, 20, 2));
    sampler.sample(TotalsSnapshot.of(t), 5_000_000_000L);

    JsonNode with = ok("/api/v1/top?family=as&direction=receive&history=true");
    assertThat(with.path("top").get(0).has("history")).isTrue();
    assertThat(with.path("total").has("history")).isTrue();
    assertThat(ok("/api/v1/top?family=as&direction=receive").path("top").get(0).has("history"))
        .as("history is the default")
        .isTrue();

    JsonNode without = ok("/api/v1/top?family=as&direction=receive&history=false");
    assertThat(without.path("top").get(0).has("history")).isFalse();
    assertThat(without.path("total").has("history")).isFalse();
    // The same answer otherwise.
    ((ObjectNode) with.path("top").get(0)).remove("history");
    ((ObjectNode) with.path("total")).remove("history");
    assertThat(without).isEqualTo(with);
    assertThat(get("/api/v1/top?family=as&direction=receive&history=FALSE").statusCode())
        .isEqualTo(200);
  }

  @Test
  void whileNotReadyRatesAreNullAndTotalsAndHistoryStay() throws Exception {
    Map<SeriesKey, Totals> t = new LinkedHashMap<>();
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 10, 1));
    sampler.sample(TotalsSnapshot.of(t), 0);
    t.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(2000, 20, 2));
    sampler.sample(TotalsSnapshot.of(t), 5_000_000_000L);
    assertThat(
            ok("/api/v1/top?family=as&direction=receive")
                .path("top")
                .get(0)
                .path("bits_per_second")
                .asDouble())
        .isEqualTo(1600.0);

    sampler.notReady();
    JsonNode top = ok("/api/v1/top?family=as&direction=receive");
    for (JsonNode e : List.of(top.path("top").get(0), top.path("total"))) {
      assertThat(e.path("bits_per_second").isNull()).as(e.toString()).isTrue();
      assertThat(e.path("packets_per_second").isNull()).as(e.toString()).isTrue();
      assertThat(e.path("flows_per_second").isNull()).as(e.toString()).isTrue();
      assertThat(e.path("bytes").asLong()).as(e.toString()).isEqualTo(2000);
      assertThat(e.path("history").toString()).as(e.toString()).isEqualTo("[1600]");
    }
    assertThat(top.path("top").get(0).path("as").asLong()).isEqualTo(15169);
  }

  @Test
  void familyAndDirectionAreTakenInAnyCase() throws Exception {
    assertThat(get("/api/v1/top?family=AS&direction=Receive").statusCode()).isEqualTo(200);
  }
}

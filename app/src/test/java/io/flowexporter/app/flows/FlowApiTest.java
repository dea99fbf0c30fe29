package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.RoutesServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow API's refusals over real HTTP: none of them reaches Kafka, so no scanner is given (a
 * request that got as far as a scan would fail this test with a 500). Scans themselves: FlowApiIT.
 */
class FlowApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "aaaaaaaaaaaaaaaa1";

  @TempDir Path dir;
  private Path tokenFile;
  private MetricsServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    tokenFile = dir.resolve("tokens");
    Files.writeString(tokenFile, "alice:" + TOKEN + "\n");
    FlowApi api = new FlowApi(ApiTokens.load(tokenFile), null, 1, Clock.systemUTC());
    server = RoutesServer.start(api::mount);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void badParametersAre400NamingThemBeforeAnyScan() throws Exception {
    String[][] cases = {
      {"/api/v1/flows/tap?proto=foo", "proto"},
      {"/api/v1/flows/search?from=1969-12-31T23:50:00Z&to=1970-01-01T00:05:00Z", "from"},
      {"/api/v1/flows/search?limit=1&Limit=1", "Limit"},
      {"/api/v1/flows/tap?direction=sideways", "direction"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = send("GET", c[0], TOKEN);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      JsonNode error = JSON.readTree(r.body()).path("error");
      assertThat(error.path("parameter").asText()).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void onlyGetIsServedAndOtherMethodsSayWhichIs() throws Exception {
    for (String method : new String[] {"HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      for (String path : new String[] {FlowApi.TAP, FlowApi.SEARCH}) {
        HttpResponse<String> r = send(method, path, null);
        assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).as(method).contains("GET");
      }
    }
  }

  @Test
  void aBrokenTokenFileRefusesEveryRequestWith401() throws Exception {
    assertThat(send("GET", FlowApi.TAP + "?proto=foo", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", FlowApi.TAP + "?proto=foo", "bbbbbbbbbbbbbbbb2").statusCode())
        .isEqualTo(403);
    Files.writeString(tokenFile, "alice:" + TOKEN + "\nnot a token line\n");
    Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));
    HttpResponse<String> r = null;
    // the file is looked at again at most once a second
    for (int i = 0; i < 40; i++) {
      r = send("GET", FlowApi.TAP + "?proto=foo", TOKEN);
      if (r.statusCode() != 400) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
        .contains("no API token is accepted now");
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }
}

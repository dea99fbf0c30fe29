package io.flowexporter.app.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A running exporter's {@code /api/v1/top}, as tests ask it while they wait for an answer. */
public final class TopAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TopAnswers() {}

  /**
   * The answer to {@code /api/v1/top?query} on 127.0.0.1:{@code port}; null when there was none
   * with status 200 (not listening yet, a refusal, a body cut short).
   */
  public static JsonNode get(HttpClient http, int port, String query) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/top?" + query))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

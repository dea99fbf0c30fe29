package io.flowexporter.app.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics}, parsed: series name and labels to value. Labels are kept as
 * written, so a key looks like {@code flow_receive_bytes_total{source_as="15169",...}}.
 */
public record Scrape(Map<String, Double> series) {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Scrapes {@code http://127.0.0.1:port/metrics}; null if nothing answers. */
  public static Scrape of(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parse(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** HTTP status of a GET on a path, or -1 if nothing answers. */
  public static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public static Scrape parse(String text) {
    Map<String, Double> series = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(series);
  }

  /** Series of one metric name: labels map (sorted) to value. */
  public Map<Map<String, String>, Double> family(String name) {
    Map<Map<String, String>, Double> out = new HashMap<>();
    series.forEach(
        (key, value) -> {
          int brace = key.indexOf('{');
          String n = brace < 0 ? key : key.substring(0, brace);
          if (n.equals(name)) {
            out.put(labels(brace < 0 ? "" : key.substring(brace)), value);
          }
        });
    return out;
  }

  /** A single value by exact series key, or 0 when absent. */
  public double value(String key) {
    return series.getOrDefault(key, 0.0);
  }

  static Map<String, String> labels(String braces) {
    Map<String, String> labels = new TreeMap<>();
    Matcher m = LABEL.matcher(braces);
    while (m.find()) {
      labels.put(
          m.group(1), m.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
    }
    return labels;
  }
}

package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** An NDJSON answer of the flow API: the flows, then the end line. */
record FlowAnswer(List<JsonNode> flows, JsonNode end) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static FlowAnswer of(String body) throws Exception {
    List<JsonNode> flows = new ArrayList<>();
    JsonNode end = null;
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      assertThat(end).as("nothing after the end line").isNull();
      if (n.has("end")) {
        end = n.get("end");
      } else {
        flows.add(n);
      }
    }
    assertThat(end).as("an end line in " + body).isNotNull();
    return new FlowAnswer(flows, end);
  }

  /** The flows' {@code event.id}s, in the answer's order. */
  List<String> ids() {
    return flows.stream().map(f -> f.at("/event/id").asText()).toList();
  }
}

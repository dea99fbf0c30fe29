package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowWriterTest {

  @ParameterizedTest(name = "Accept: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "none | application/x-ndjson",
        "*/* | application/x-ndjson",
        "text/event-stream | text/event-stream",
        "TEXT/Event-Stream | text/event-stream",
        "text/event-stream;charset=utf-8 | text/event-stream",
        "text/event-stream, */* | text/event-stream",
        "text/event-stream;q=0 | application/x-ndjson",
        "text/event-stream;q=0, */* | application/x-ndjson",
        "text/event-stream;q=0.5, */* | application/x-ndjson",
        "application/x-ndjson, text/event-stream;q=0.5 | application/x-ndjson",
        "text/html, text/event-stream;q=0.9, */*;q=0.8 | text/event-stream",
        "text/html | application/x-ndjson",
        "application/*, text/event-stream;q=0.1 | application/x-ndjson",
      })
  void theAcceptHeaderChoosesTheFormatByQuality(String accept, String contentType) {
    assertThat(FlowWriter.forAccept(accept, new ByteArrayOutputStream()).contentType())
        .isEqualTo(contentType);
  }
}

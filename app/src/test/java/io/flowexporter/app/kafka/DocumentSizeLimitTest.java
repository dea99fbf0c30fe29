package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.document.EcsDocuments;
import java.util.OptionalInt;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DocumentSizeLimitTest {

  @Test
  void kafkasDefaultsLeaveTheDefaultBound() {
    assertThat(DocumentSizeLimit.limit(OptionalInt.of(1_048_588), 1_048_576))
        .isEqualTo(EcsDocuments.MAX_DOCUMENT_BYTES);
    assertThat(DocumentSizeLimit.limit(OptionalInt.empty(), 1_048_576))
        .isEqualTo(EcsDocuments.MAX_DOCUMENT_BYTES);
  }

  @Test
  void theSmallerOfTheTopicsAndTheProducersLimitLessTheRecordsOverhead() {
    assertThat(DocumentSizeLimit.limit(OptionalInt.of(65_536), 1_048_576))
        .isEqualTo(65_536 - DocumentSizeLimit.RECORD_OVERHEAD);
    assertThat(DocumentSizeLimit.limit(OptionalInt.of(10_000_000), 200_000))
        .isEqualTo(200_000 - DocumentSizeLimit.RECORD_OVERHEAD);
    assertThat(DocumentSizeLimit.limit(OptionalInt.of(100), 1_048_576)).isZero();
  }

  @Test
  void theProducersMaxRequestSizeWithOrWithoutKafkaStreamsPrefix() {
    Properties p = new Properties();
    p.put("application.id", "a");
    p.put("bootstrap.servers", "localhost:9092");
    assertThat(DocumentSizeLimit.maxRequestSize(p)).isEqualTo(1_048_576);
    p.put("max.request.size", "300000");
    assertThat(DocumentSizeLimit.maxRequestSize(p)).isEqualTo(300_000);
    p.put("producer.max.request.size", "200000");
    assertThat(DocumentSizeLimit.maxRequestSize(p)).isEqualTo(200_000);
  }
}

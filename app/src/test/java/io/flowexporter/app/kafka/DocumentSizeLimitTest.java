package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.document.EcsDocuments;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DocumentSizeLimitTest {

  private static final int REQUEST = DocumentSizeLimit.DEFAULT_MAX_REQUEST_SIZE;
  private static final int BATCH = DocumentSizeLimit.DEFAULT_BATCH_SIZE;

  @Test
  void kafkasDefaultsLeaveTheDefaultBoundAndTheProducersBatches() {
    assertThat(DocumentSizeLimit.of(OptionalInt.of(1_048_588), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(EcsDocuments.MAX_DOCUMENT_BYTES, OptionalInt.empty()));
    assertThat(DocumentSizeLimit.of(OptionalInt.empty(), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(EcsDocuments.MAX_DOCUMENT_BYTES, OptionalInt.empty()));
  }

  @Test
  void theSmallerOfTheTopicsAndTheProducersLimitLessTheRecordsOverhead() {
    int overhead = DocumentSizeLimit.RECORD_OVERHEAD;
    assertThat(DocumentSizeLimit.of(OptionalInt.of(65_536), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(65_536 - overhead, OptionalInt.empty()));
    assertThat(DocumentSizeLimit.of(OptionalInt.of(10_000_000), 200_000, BATCH).documentBytes())
        .isEqualTo(200_000 - overhead);
    assertThat(DocumentSizeLimit.of(OptionalInt.of(100), REQUEST, BATCH).documentBytes()).isZero();
  }

  @Test
  void aTopicSmallerThanTheProducersBatchesGetsSmallerBatches() {
    int overhead = DocumentSizeLimit.RECORD_OVERHEAD;
    assertThat(DocumentSizeLimit.of(OptionalInt.of(8192), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(8192 - overhead, OptionalInt.of(8192 - overhead)));
    // exactly batch.size plus the overhead: batches fit as they are
    assertThat(DocumentSizeLimit.of(OptionalInt.of(BATCH + overhead), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(BATCH, OptionalInt.empty()));
    assertThat(DocumentSizeLimit.of(OptionalInt.of(BATCH + overhead - 1), REQUEST, BATCH))
        .isEqualTo(new DocumentSizeLimit(BATCH - 1, OptionalInt.of(BATCH - 1)));
    // larger batches asked for, and a topic between: held to the topic
    assertThat(DocumentSizeLimit.of(OptionalInt.of(65_536), REQUEST, 262_144).producerBatchSize())
        .hasValue(65_536 - overhead);
  }
}

package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A store counts as being rebuilt from its restore's start until its end or suspension, or until
 * the stream runs.
 */
class RestoreProgressLogTest {

  private static final TopicPartition P0 = new TopicPartition("app-series-totals-changelog", 0);
  private static final TopicPartition P1 = new TopicPartition("app-series-totals-changelog", 1);

  @Test
  void restoringUntilEveryStartedRestoreEndedOrWasSuspended() {
    RestoreProgressLog restores = new RestoreProgressLog();
    assertThat(restores.restoring()).isFalse();
    restores.onRestoreStart(P0, "series-totals", 0, 0);
    restores.onRestoreStart(P1, "series-totals", 10, 5000);
    assertThat(restores.restoring()).isTrue();
    restores.onRestoreEnd(P0, "series-totals", 0);
    assertThat(restores.restoring()).isTrue();
    restores.onBatchRestored(P1, "series-totals", 2000, 1990);
    restores.onRestoreSuspended(P1, "series-totals", 1990);
    assertThat(restores.restoring()).isFalse();
  }

  /** A task that failed while restoring gets no end call; the stream running again forgets it. */
  @Test
  void aRunningStreamRestoresNothing() {
    RestoreProgressLog restores = new RestoreProgressLog();
    restores.onRestoreStart(P0, "series-totals", 0, 5000);
    restores.running();
    assertThat(restores.restoring()).isFalse();
  }
}

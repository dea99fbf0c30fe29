package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitPacerTest {

  @Test
  void asksAtOnceThenDefersForHalfAnInterval() throws Exception {
    OnNewThread.run(
        () -> {
          CommitPacer pacer = new CommitPacer(1000);
          assertThat(pacer.waiting()).isFalse();
          assertThat(pacer.tick(9_000)).as("nothing arrived, nothing to ask").isFalse();
          // the deltas of a periodic commit at 10,000, arriving 5 ms after it
          assertThat(pacer.deltasArrived(10_005)).isTrue();
          assertThat(pacer.waiting()).isFalse();
          // another thread's wave 10 ms later: deferred, not refused
          assertThat(pacer.deltasArrived(10_015)).isFalse();
          assertThat(pacer.waiting()).isTrue();
          assertThat(pacer.tick(10_400)).isFalse();
          assertThat(pacer.tick(10_505)).as("half an interval after the last request").isTrue();
          assertThat(pacer.waiting()).isFalse();
          assertThat(pacer.tick(10_600)).as("asked for already").isFalse();
          // the next periodic commit's deltas: half an interval after the deferred request
          assertThat(pacer.deltasArrived(11_010)).isTrue();
          // Another owner task on the same thread shares the state: one request commits every task.
          CommitPacer other = new CommitPacer(1000);
          assertThat(other.deltasArrived(11_100)).isFalse();
          assertThat(pacer.waiting()).isTrue();
          assertThat(pacer.tick(11_510)).isTrue();
          assertThat(other.waiting()).isFalse();
        });
  }

  @Test
  void liveTrafficIsNewerThanThreeIntervalsOrFiveSeconds() {
    CommitPacer oneSecond = new CommitPacer(1000);
    assertThat(oneSecond.isLive(100_000, 99_000)).isTrue();
    assertThat(oneSecond.isLive(100_000, 95_001)).isTrue();
    assertThat(oneSecond.isLive(100_000, 95_000)).as("a backlog").isFalse();
    assertThat(oneSecond.isLive(100_000, 100_500)).as("a producer's clock ahead").isTrue();
    CommitPacer fiveSeconds = new CommitPacer(5000);
    assertThat(fiveSeconds.isLive(100_000, 86_000)).isTrue();
    assertThat(fiveSeconds.isLive(100_000, 85_000)).isFalse();
  }

  @Test
  void ticksOftenEnoughToBeLateByATenthOfTheGapAtMost() {
    assertThat(new CommitPacer(1000).tickInterval()).hasMillis(50);
    assertThat(new CommitPacer(100).tickInterval()).hasMillis(10);
  }

  @Test
  void aOneMillisecondIntervalStillPaces() throws Exception {
    OnNewThread.run(
        () -> {
          CommitPacer pacer = new CommitPacer(1);
          assertThat(pacer.deltasArrived(7)).isTrue();
          assertThat(pacer.deltasArrived(7)).isFalse();
          assertThat(pacer.tick(8)).isTrue();
        });
  }

  @Test
  void eachThreadHasItsOwnState() throws Exception {
    CommitPacer pacer = new CommitPacer(1000);
    OnNewThread.run(() -> assertThat(pacer.deltasArrived(5_000)).isTrue());
    OnNewThread.run(() -> assertThat(pacer.deltasArrived(5_001)).isTrue());
  }
}

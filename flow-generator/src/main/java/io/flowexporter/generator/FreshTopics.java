package io.flowexporter.generator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topics created a moment before records are written into them, made safe to write. */
public final class FreshTopics {

  private FreshTopics() {}

  /**
   * Creates {@code topic} unless it exists, with the broker's default replication factor (right for
   * a real cluster and for one node), and waits for its leaders.
   */
  public static void createIfMissing(String brokers, String topic, int partitions)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
      awaitLeaders(admin, topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * Waits until the leader of each partition of a topic created a moment ago serves it. Writing
   * sooner can lose records: a broker that refuses a producer's first request (not the leader yet)
   * and accepts its second makes every retry of the first fail as out of order, until it expires
   * (KAFKA-15591). A list-offsets request meets the same leadership check as a write; it is asked
   * again while the answer is a retriable "not yet" (unknown topic, no leader yet), for up to a
   * minute.
   */
  public static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try {
        admin.listOffsets(latest).all().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}

package io.flowexporter.app.it;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.generator.FreshTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What {@link FreshTopics#awaitLeaders} is for, and why {@link Topics#create} calls it: writing
 * right after creating a topic, with several requests in flight, loses nothing (KAFKA-15591 lost
 * the first batch when the write came too soon).
 */
class FreshTopicsIT {

  @Test
  void aTopicIsWritableWithoutLossOnceItsLeadersAreAwaited() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      Properties p = new Properties();
      p.put("bootstrap.servers", broker.bootstrapServers());
      Properties producerProps = new Properties();
      producerProps.put("bootstrap.servers", broker.bootstrapServers());
      producerProps.put("acks", "all");
      producerProps.put("linger.ms", "0"); // many small requests, five in flight (the default)
      try (Admin admin = Admin.create(p);
          KafkaProducer<String, String> producer =
              new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
        for (int t = 0; t < 20; t++) {
          String topic = "fresh-" + t;
          admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
          FreshTopics.awaitLeaders(admin, topic, 3);
          List<Future<RecordMetadata>> acks = new ArrayList<>();
          for (int i = 0; i < 300; i++) {
            acks.add(
                producer.send(new ProducerRecord<>(topic, Integer.toString(i), "{\"bytes\": 1}")));
          }
          for (Future<RecordMetadata> ack : acks) {
            ack.get(60, TimeUnit.SECONDS);
          }
        }
      }
    }
  }
}

package io.flowexporter.topology.document;

/**
 * The {@code event.id} of a flow document: {@code <topic>:<partition>:<offset>:<line>}, where line
 * is the record's line within the Kafka message (from 0, blank lines counted). The same input
 * record always gets the same id, so a document written again after a crash is the same event, and
 * Elasticsearch (document id from {@code event.id}) keeps one. A Kafka topic name holds no colon,
 * so the id is unambiguous.
 */
public final class EventIds {

  private EventIds() {}

  public static String of(String topic, int partition, long offset, int line) {
    return topic + ':' + partition + ':' + offset + ':' + line;
  }
}

package io.flowexporter.app.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The topics the exporter uses and the ACLs each one needs, so that a denied topic is answered with
 * the ACLs of that topic: the input topic is read, the documents topic written, and Kafka Streams'
 * internal topics (repartition, changelog: named {@code <application-id>-...}) created, read and
 * written under the application id's prefix.
 *
 * @param input the topic pmacct writes to ({@code --topic})
 * @param documents the flow documents' topic ({@code --flow-topic}), if any
 * @param applicationId the prefix of the internal topics ({@code --application-id})
 */
public record TopicAcls(String input, Optional<String> documents, String applicationId) {

  public TopicAcls {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(documents, "documents");
    Objects.requireNonNull(applicationId, "applicationId");
  }

  /**
   * The ACLs the exporter needs on {@code denied}, in words, one part per kind of topic among them.
   * When none of them is one the exporter knows (or Kafka named none), every topic's ACLs: the
   * operator then sees all that the exporter needs rather than a guess.
   */
  public String neededOn(Collection<String> denied) {
    List<String> needs = new ArrayList<>();
    if (denied.contains(input)) {
      needs.add(inputAcls(""));
    }
    if (documents.filter(denied::contains).isPresent()) {
      needs.add(documentsAcls(""));
    }
    // A topic of the application's own (its prefix) that is neither the input nor the documents
    // topic: Kafka Streams' internal topics are the only ones under that prefix.
    if (denied.stream().anyMatch(this::isInternal)) {
      needs.add(internalAcls());
    }
    if (needs.isEmpty()) {
      // Named here, as the message names no topic of the exporter's then.
      needs.add(inputAcls(" " + input));
      documents.ifPresent(d -> needs.add(documentsAcls(" " + d)));
      needs.add(internalAcls());
    }
    return String.join("; ", needs);
  }

  private boolean isInternal(String topic) {
    return topic.startsWith(applicationId + "-")
        && !topic.equals(input)
        && !documents.filter(topic::equals).isPresent();
  }

  private static String inputAcls(String name) {
    return "READ and DESCRIBE on the input topic" + name;
  }

  private static String documentsAcls(String name) {
    return "WRITE, DESCRIBE and DESCRIBE_CONFIGS on the documents topic" + name;
  }

  private String internalAcls() {
    return "ALL on topics prefixed by "
        + applicationId
        + ", where Kafka Streams creates its repartition and changelog topics";
  }
}

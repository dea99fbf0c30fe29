package io.flowexporter.app.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until a broker's name resolves and the input topic exists, saying so in the log once per
 * condition (and again every minute), instead of letting Kafka Streams fail on a missing topic or
 * flood the log with connection errors. A refusal (login, TLS, ACL) is said by the {@link
 * KafkaRefusalLog}, in its words, and lasts for {@code /readyz} until the topic is found.
 */
public final class TopicWaiter {

  private static final Logger LOG = LoggerFactory.getLogger(TopicWaiter.class);

  private TopicWaiter() {}

  /**
   * The admin client for {@link #await} and {@link PreviousFormat#check}: one for both, as each
   * client costs a tenth of a second or more of a start. Requests time out after 5 s, so that an
   * unreachable broker is said soon.
   */
  public static Admin admin(Properties clientProperties) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    return Admin.create(p);
  }

  /**
   * Blocks until at least one name of the brokers ({@code host:port,...}) resolves. Kafka's clients
   * refuse to be created when none does, and a broker's name that does not resolve yet is common at
   * boot (a Kubernetes Service without ready pods, DNS coming up after the exporter): that is
   * waited out like a broker that does not answer, said once a minute, not a failure.
   *
   * @return false if the exporter was asked to stop first
   */
  public static boolean awaitResolvable(UntilKafkaAnswers kafka) throws InterruptedException {
    String brokers = kafka.brokers();
    int[] tries = {0};
    return kafka
        .ask(
            LOG,
            null,
            null,
            () -> {
              tries[0]++;
              String why = null;
              for (String address : brokers.split(",")) {
                if (address.isBlank()) {
                  continue;
                }
                String host = hostOf(address.trim());
                try {
                  InetAddress.getAllByName(host);
                  if (tries[0] > 1) {
                    LOG.info("Broker name {} resolves now", host);
                  }
                  return true;
                } catch (UnknownHostException e) {
                  why = why == null ? host : why + ", " + host;
                }
              }
              throw new UntilKafkaAnswers.NotYet(
                  "No broker name of "
                      + brokers
                      + " resolves yet ("
                      + why
                      + ": unknown host); retrying every "
                      + kafka.pause().toSeconds()
                      + " s");
            })
        .isPresent();
  }

  /**
   * The host of {@code host:port}, {@code [v6]:port} or {@code SASL_SSL://host:port}, as Kafka's
   * clients read it (and --brokers was checked with).
   */
  static String hostOf(String address) {
    String host = Utils.getHost(address);
    return host == null ? address : host;
  }

  /**
   * Blocks until the topic exists.
   *
   * @param admin from {@link #admin}
   * @return the number of partitions of the topic, or -1 if the exporter was asked to stop first
   */
  public static int await(Admin admin, String topic, UntilKafkaAnswers kafka)
      throws InterruptedException {
    int[] tries = {0};
    return kafka
        .ask(
            LOG,
            topic,
            null,
            () -> {
              tries[0]++;
              int partitions = partitionsOf(admin, topic);
              if (partitions == NO_TOPIC) {
                throw new UntilKafkaAnswers.NotYet(
                    "Topic "
                        + topic
                        + " does not exist yet at "
                        + kafka.brokers()
                        + "; waiting for it to be created");
              }
              if (tries[0] > 1) {
                LOG.info("Topic {} is there now ({} partitions)", topic, partitions);
              }
              return partitions;
            })
        .orElse(-1);
  }

  /** What {@link #partitionsOf} says of a topic that does not exist. */
  static final int NO_TOPIC = 0;

  /** The topic's partitions, {@link #NO_TOPIC} when it does not exist. */
  static int partitionsOf(Admin admin, String topic)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(6, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return NO_TOPIC;
      }
      throw e;
    }
  }

  /**
   * A describe's failure with the topic named: describeTopics does not say which topic it was
   * denied, and the refusal's advice depends on it (it is the one asked for).
   */
  static Throwable namingTheDeniedTopic(Throwable cause, String topic) {
    if (cause instanceof TopicAuthorizationException denied
        && denied.unauthorizedTopics().isEmpty()) {
      return new TopicAuthorizationException(denied.getMessage(), Set.of(topic));
    }
    return cause;
  }
}

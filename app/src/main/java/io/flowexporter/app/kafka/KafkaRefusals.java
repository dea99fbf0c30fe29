package io.flowexporter.app.kafka;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Says in the exporter's words why Kafka refused this client: its login (SASL), its TLS handshake
 * (an untrusted CA, a certificate for another host name, an expired one), or an ACL (a topic, a
 * group, a transactional id, the cluster). Classified from the exception types in the cause chain;
 * the names come from the client properties (the user from {@code sasl.jaas.config}, {@code
 * sasl.mechanism}, {@code ssl.truststore.location}), the ACLs a denied topic needs from {@link
 * TopicAcls}. A message never holds a password nor the JAAS line itself. Immutable; thread-safe.
 */
public final class KafkaRefusals {

  /** What was refused, for tests and for grouping; the message says it to the operator. */
  public enum Kind {
    AUTHENTICATION,
    UNTRUSTED_CERTIFICATE,
    HOST_NAME_MISMATCH,
    EXPIRED_CERTIFICATE,
    TLS,
    AUTHORIZATION
  }

  /**
   * One refusal.
   *
   * @param kind what was refused
   * @param subject what the operator must fix, in words that are the same whichever broker refused:
   *     no host name, no certificate date (those are in {@code message}), so that the brokers of
   *     one cluster refusing by turns are one refusal, not several
   * @param message the line the exporter logs and {@code /readyz} shows
   */
  public record Refusal(Kind kind, String subject, String message) {

    /** Whether {@code other} is this refusal again, perhaps said by another broker. */
    public boolean sameAs(Refusal other) {
      return identity().equals(other.identity());
    }

    /** What makes a refusal the same one, whatever its words: its kind and subject. */
    public Identity identity() {
      return new Identity(kind, subject);
    }

    /** A refusal's kind and subject. */
    public record Identity(Kind kind, String subject) {}
  }

  /**
   * The JDK's words for a host name mismatch: "No name matching H found", "No subject alternative
   * ... matching IP address H found".
   */
  private static final Pattern MISMATCH =
      Pattern.compile(
          "No (?:subject alternative (?:DNS )?names? matching (?:IP address |DNS name )?|name matching )(\\S+) found");

  private final String brokers;
  private final Optional<String> user;
  private final String mechanism;
  private final Optional<String> truststore;
  private final String endpointIdentification;
  private final TopicAcls topics;

  private KafkaRefusals(
      String brokers,
      Optional<String> user,
      String mechanism,
      Optional<String> truststore,
      String endpointIdentification,
      TopicAcls topics) {
    this.brokers = brokers;
    this.user = user;
    this.mechanism = mechanism;
    this.truststore = truststore;
    this.endpointIdentification = endpointIdentification;
    this.topics = topics;
  }

  /**
   * For clients with these properties (as Kafka takes them: the user's plus the exporter's), using
   * these topics.
   */
  public static KafkaRefusals of(Map<?, ?> clientProperties, String brokers, TopicAcls topics) {
    Object jaas = clientProperties.get(SaslConfigs.SASL_JAAS_CONFIG);
    Optional<String> user = jaas == null ? Optional.empty() : JaasUser.of(jaas.toString());
    Object mechanism = clientProperties.get(SaslConfigs.SASL_MECHANISM);
    Object truststore = clientProperties.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
    Object algorithm =
        clientProperties.get(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    Object bootstrap = clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    return new KafkaRefusals(
        brokers != null
            ? brokers
            : bootstrap == null ? "(no bootstrap.servers)" : bootstrap.toString(),
        user,
        mechanism == null ? SaslConfigs.DEFAULT_SASL_MECHANISM : mechanism.toString(),
        Optional.ofNullable(truststore).map(Object::toString).filter(s -> !s.isBlank()),
        algorithm == null
            ? SslConfigs.DEFAULT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM
            : algorithm.toString(),
        topics);
  }

  /** Why Kafka refused, if {@code failure} (or one of its causes) says it did; else empty. */
  public Optional<Refusal> classify(Throwable failure) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SaslAuthenticationException) {
        return refusal(
            Kind.AUTHENTICATION,
            "the login",
            "refused authentication for "
                + who()
                + " with mechanism "
                + mechanism
                + ": check sasl.jaas.config");
      }
      if (t instanceof SslAuthenticationException) {
        return Optional.of(tls(t));
      }
      if (t instanceof AuthenticationException) {
        // Kafka's words vary by broker (a Kerberos failure names the broker's principal): the
        // subject is what to fix, the mechanism.
        return refusal(
            Kind.AUTHENTICATION,
            "the mechanism",
            "refused authentication for "
                + who()
                + " with mechanism "
                + mechanism
                + " ("
                + t.getMessage()
                + "): check sasl.mechanism and sasl.jaas.config");
      }
      if (t instanceof TopicAuthorizationException e) {
        Set<String> denied = new TreeSet<>(e.unauthorizedTopics());
        String what =
            denied.isEmpty()
                ? "a topic"
                : (denied.size() == 1 ? "topic " : "topics ") + String.join(", ", denied);
        return refusal(
            Kind.AUTHORIZATION,
            what,
            "denies "
                + who()
                + " access to "
                + what
                + ": check the ACLs of "
                + principal()
                + " ("
                + topics.neededOn(denied)
                + ")");
      }
      if (t instanceof GroupAuthorizationException e) {
        String group = e.groupId() != null ? e.groupId() : "(the application id)";
        return refusal(
            Kind.AUTHORIZATION,
            "group " + group,
            "denies "
                + who()
                + " access to group "
                + group
                + ": check the ACLs of "
                + principal()
                + " (READ on the group named by --application-id)");
      }
      if (t instanceof TransactionalIdAuthorizationException) {
        return refusal(
            Kind.AUTHORIZATION,
            "transactional ids",
            "denies "
                + who()
                + " its transactional ids: check the ACLs of "
                + principal()
                + " (WRITE and DESCRIBE on transactional ids prefixed by --application-id)");
      }
      if (t instanceof ClusterAuthorizationException) {
        return refusal(
            Kind.AUTHORIZATION,
            "the cluster",
            "denies "
                + who()
                + " a cluster operation ("
                + t.getMessage()
                + "): check the ACLs of "
                + principal()
                + " (IDEMPOTENT_WRITE on the cluster)");
      }
    }
    return Optional.empty();
  }

  /**
   * A failed TLS handshake. The subjects leave out what the JDK's words carry (the host name, the
   * certificate's dates, the alert): each broker of a cluster says its own, and the fix is the
   * same.
   */
  private Refusal tls(Throwable sslFailure) {
    Set<Throwable> seen = new HashSet<>();
    String root = sslFailure.getMessage();
    // The JDK wraps an expired certificate's exception in a CertPathValidatorException: look
    // for it down the whole chain before taking that for an untrusted CA.
    for (Throwable t = sslFailure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof CertificateExpiredException
          || t instanceof CertificateNotYetValidException) {
        return new Refusal(
            Kind.EXPIRED_CERTIFICATE,
            "the brokers' certificates' validity",
            "Kafka at "
                + brokers
                + " presented a certificate outside its validity period ("
                + t.getMessage()
                + "): renew the brokers' certificates, or check this machine's clock");
      }
    }
    seen.clear();
    for (Throwable t = sslFailure; t != null && seen.add(t); t = t.getCause()) {
      root = t.getMessage() != null ? t.getMessage() : root;
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return new Refusal(
            Kind.UNTRUSTED_CERTIFICATE,
            "the truststore",
            "Kafka at "
                + brokers
                + " presented a certificate that is not trusted by "
                + truststore
                    .map(s -> "ssl.truststore.location " + s)
                    .orElse("the JVM's default truststore (no ssl.truststore.location)")
                + ": it must hold the CA that signed the brokers' certificates");
      }
      Matcher m = t.getMessage() == null ? null : MISMATCH.matcher(t.getMessage());
      if (m != null && m.find()) {
        return new Refusal(
            Kind.HOST_NAME_MISMATCH,
            "the names in the brokers' certificates",
            "Kafka at "
                + brokers
                + " presented a certificate that is not valid for the host name "
                + m.group(1)
                + " (ssl.endpoint.identification.algorithm="
                + endpointIdentification
                + "): connect by a name the certificate holds, or give the brokers a certificate for "
                + m.group(1));
      }
    }
    return new Refusal(
        Kind.TLS,
        "the TLS settings",
        "Kafka at "
            + brokers
            + " failed the TLS handshake ("
            + root
            + "): check security.protocol and the ssl.* settings");
  }

  private Optional<Refusal> refusal(Kind kind, String subject, String what) {
    return Optional.of(new Refusal(kind, subject, "Kafka at " + brokers + " " + what));
  }

  private String who() {
    return user.map(u -> "user " + u).orElse("this client (no username in sasl.jaas.config)");
  }

  private String principal() {
    return user.map(u -> "User:" + u).orElse("its principal");
  }
}

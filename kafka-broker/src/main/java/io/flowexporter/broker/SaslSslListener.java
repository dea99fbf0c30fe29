package io.flowexporter.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link EmbeddedKafkaBroker#startSaslSsl} secures its one client listener: SASL_SSL only,
 * SCRAM-SHA-512 users, TLS with a certificate from a private CA ({@link TestCertificates}).
 *
 * @param users SCRAM-SHA-512 users and their passwords, besides {@link #SUPER_USER} (which the
 *     broker itself uses between its listeners)
 * @param authorizer whether the StandardAuthorizer checks ACLs: then only {@link #SUPER_USER} may
 *     do anything until ACLs allow the others
 * @param serverNames the names in the server certificate (host names or IPv4 addresses); the
 *     clients connect to {@code 127.0.0.1}, so leaving it out makes every client's host name check
 *     fail
 */
public record SaslSslListener(
    Map<String, String> users, boolean authorizer, List<String> serverNames) {

  /** The broker's own user: a super user when the authorizer is on. */
  public static final String SUPER_USER = "admin";

  /** The SASL mechanism of every user. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  public SaslSslListener {
    users = Map.copyOf(users);
    serverNames = List.copyOf(serverNames);
    if (serverNames.isEmpty()) {
      throw new IllegalArgumentException("the server certificate needs at least one name");
    }
    if (users.containsKey(SUPER_USER)) {
      throw new IllegalArgumentException(SUPER_USER + " is the broker's own user");
    }
    users.forEach(
        (name, password) -> {
          if (!name.matches("[A-Za-z0-9_.-]+")
              || password.isEmpty()
              || password.matches(".*[\\],\"].*")) {
            throw new IllegalArgumentException(
                "user names are plain words and passwords hold no ] , or \": " + name);
          }
        });
  }

  /** Users without ACLs, a certificate for 127.0.0.1 and localhost. */
  public static SaslSslListener of(Map<String, String> users) {
    return new SaslSslListener(users, false, List.of("127.0.0.1", "localhost"));
  }

  /** The same with the StandardAuthorizer on. */
  public SaslSslListener withAuthorizer() {
    return new SaslSslListener(users, true, serverNames);
  }

  /** The same with a server certificate for these names only. */
  public SaslSslListener withServerNames(String... names) {
    return new SaslSslListener(users, authorizer, List.of(names));
  }

  /** Every user, the super user first. */
  Map<String, String> allUsers(String superUserPassword) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(SUPER_USER, Objects.requireNonNull(superUserPassword));
    all.putAll(users);
    return all;
  }
}

package io.flowexporter.app.kafka;

import java.io.IOException;
import java.io.StreamTokenizer;
import java.io.StringReader;
import java.util.Optional;

/**
 * The {@code username} option of a {@code sasl.jaas.config} line, read by the same rules as Kafka's
 * own parser reads it ({@code org.apache.kafka.common.security.JaasConfig}): a value in double
 * quotes, in single quotes, or bare ({@code username=alice}), comments allowed. A pattern would
 * have to know those rules too, and could take a {@code username=} written inside another option's
 * quoted value (the password) for the option itself.
 */
final class JaasUser {

  private JaasUser() {}

  /** The user name, or empty if the line names none or Kafka could not read it either. */
  static Optional<String> of(String jaasConfig) {
    StreamTokenizer tokens = tokenizer(jaasConfig);
    Optional<String> user = Optional.empty();
    try {
      // Each entry: <login module> <control flag> (<option>=<value>)* ;
      while (tokens.nextToken() != StreamTokenizer.TT_EOF) {
        if (tokens.nextToken() == StreamTokenizer.TT_EOF) {
          return Optional.empty();
        }
        while (tokens.nextToken() != StreamTokenizer.TT_EOF && tokens.ttype != ';') {
          String option = tokens.sval;
          if (tokens.nextToken() != '='
              || tokens.nextToken() == StreamTokenizer.TT_EOF
              || tokens.sval == null) {
            return Optional.empty();
          }
          if ("username".equals(option)) {
            user = Optional.of(tokens.sval); // the last one, as Kafka keeps the options in a map
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty(); // a StringReader does not fail
    }
    return user;
  }

  /**
   * The syntax Kafka documents for the line: every character from the space to 255 is part of a
   * word except the quotes, {@code =} and {@code ;}; {@code /} starts a comment ({@code //} and
   * {@code /* ... *}{@code /} too); ends of lines are spaces.
   */
  private static StreamTokenizer tokenizer(String jaasConfig) {
    StreamTokenizer tokens = new StreamTokenizer(new StringReader(jaasConfig));
    tokens.resetSyntax();
    tokens.wordChars(' ', 128);
    tokens.wordChars(128 + ' ', 255);
    tokens.ordinaryChar(';');
    tokens.ordinaryChar('=');
    tokens.whitespaceChars(0, ' ');
    tokens.commentChar('/');
    tokens.quoteChar('"');
    tokens.quoteChar('\'');
    tokens.slashSlashComments(true);
    tokens.slashStarComments(true);
    return tokens;
  }
}

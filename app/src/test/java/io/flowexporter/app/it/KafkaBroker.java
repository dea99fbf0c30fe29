package io.flowexporter.app.it;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real KRaft broker shared by the tests of one class: {@code @RegisterExtension static final
 * KafkaBroker broker = new KafkaBroker();}. Started before the first test, closed (data deleted)
 * after the last, whatever the outcome.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedKafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }
}

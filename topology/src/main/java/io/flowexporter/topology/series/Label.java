package io.flowexporter.topology.series;

import java.util.Objects;

/**
 * One label of a family, in the order it is held in the key and rendered.
 *
 * @param name the Prometheus label name (for {@link LabelKind#AS}, the number's; the name's label
 *     adds {@code _name})
 * @param kind how the value is held and rendered
 */
public record Label(String name, LabelKind kind) {
  public Label {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }
}

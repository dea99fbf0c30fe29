package io.flowexporter.topology.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocolsTest {

  @Test
  void aNumberAndPmacctsNameForItAreOneLabel() {
    assertThat(Protocols.name("6")).isEqualTo("tcp").isEqualTo(Protocols.name("tcp"));
    assertThat(Protocols.name("115")).isEqualTo("l2tp").isEqualTo(Protocols.name("l2tp"));
    // pmacct prints this one capitalised
    assertThat(Protocols.name("108")).isEqualTo("ipcomp").isEqualTo(Protocols.name("IPcomp"));
    assertThat(Protocols.name("200")).isEqualTo("200");
    assertThat(Protocols.name("256")).isNull();
  }

  @Test
  void aFilterTakesNumbersAndPmacctsNamesOnly() {
    assertThat(Protocols.known("SCTP")).isEqualTo("sctp");
    assertThat(Protocols.known("132")).isEqualTo("sctp");
    assertThat(Protocols.known("200")).isEqualTo("200");
    assertThat(Protocols.known("foo")).isNull();
    assertThat(Protocols.known("")).isNull();
    // a record may still carry a name outside the table: it is counted under that name
    assertThat(Protocols.name("foo")).isEqualTo("foo");
  }
}

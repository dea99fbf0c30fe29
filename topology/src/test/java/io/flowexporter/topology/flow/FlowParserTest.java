package io.flowexporter.topology.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowParserTest {

  @Test
  void findsTheFirstNewlineAtEveryPositionAndAlignment() {
    SplittableRandom random = new SplittableRandom(7);
    for (int len = 0; len < 40; len++) {
      for (int trial = 0; trial < 200; trial++) {
        byte[] buf = new byte[len];
        for (int i = 0; i < len; i++) {
          // Bytes near '\n' (0x0A) and with the high bit set, where word tricks go wrong.
          int pick = random.nextInt(8);
          buf[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x0B : pick == 2 ? 0x8A : pick == 3 ? 0x09 : random.nextInt(256));
        }
        for (int from = 0; from <= len; from++) {
          int expected = len;
          for (int i = from; i < len; i++) {
            if (buf[i] == '\n') {
              expected = i;
              break;
            }
          }
          assertThat(FlowParser.indexOfNewline(buf, from)).as("len %d from %d", len, from).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void parsesEachLineOfAMultiLineMessageOnItsOwn() {
    String good = "{\"as_src\": 64500, \"as_dst\": 15169, \"bytes\": 1500, \"packets\": 3, \"label\": \"edge1\"}";
    String message = good + "\n{\"bytes\": \n" + good + "\r\n  \n" + good.replace("edge1", "edge2");
    List<String> seen = new ArrayList<>();
    new FlowParser().parse(message.getBytes(StandardCharsets.UTF_8), new ParseListener() {
      @Override
      public void record(FlowRecord r) {
        seen.add(r.hostname() + " " + r.bytes());
      }

      @Override
      public void marker() {
        seen.add("marker");
      }

      @Override
      public void invalid(InvalidReason reason, String sample) {
        seen.add(reason.name());
      }
    });
    assertThat(seen).containsExactly("edge1 1500", "MALFORMED_JSON", "edge1 1500", "edge2 1500");
  }
}

package io.flowexporter.topology.flow;

import java.util.ArrayList;
import java.util.List;

/** Everything a parser reports for one message, in order, as comparable text. */
final class Outcomes implements ParseListener {

  final List<String> seen = new ArrayList<>();

  static List<String> of(FlowParser parser, byte[] message) {
    Outcomes o = new Outcomes();
    parser.parse(message, o);
    return o.seen;
  }

  @Override
  public void record(FlowRecord record, int start, int end, int line) {
    seen.add("record " + record + " at " + start + ".." + end + " line " + line);
  }

  @Override
  public void record(FlowRecord record) {
    seen.add("record " + record);
  }

  @Override
  public void marker() {
    seen.add("marker");
  }

  @Override
  public void invalid(InvalidReason reason, String sample) {
    seen.add("invalid " + reason + ": " + sample);
  }
}

package io.flowexporter.topology.flow;

/**
 * The fields of one line while it is being read; a field the line does not name keeps its default.
 */
final class LineFields {
  long asSrc;
  long asDst;
  long bytes = -1;
  long packets;
  long samplingRate;
  int portSrc;
  int portDst;
  long flows = 1;
  String label;
  String eventType;
  String peerIpSrc;
  String ipSrc;
  String ipDst;
  String countryIpSrc;
  String countryIpDst;
  String protocol = "";

  /** Bits ({@link LineField#bit}) of the fields met, null or not. */
  int seen;

  /** Why the line cannot be counted, once a reader gave up on it. */
  InvalidReason reason;

  /**
   * Notes that the line names {@code field}; false when it named it before. JSON leaves duplicate
   * names to the reader; which of two byte counts pmacct meant cannot be known, and taking either
   * would count traffic that may not exist.
   */
  boolean meet(LineField field) {
    if ((seen & field.bit) != 0) {
      return false;
    }
    seen |= field.bit;
    return true;
  }

  /** Sets a {@link LineField.Kind#COUNT} field, already checked against its maximum. */
  void count(LineField field, long n) {
    switch (field) {
      case BYTES -> bytes = n;
      case PACKETS -> packets = n;
      case AS_SRC -> asSrc = n;
      case AS_DST -> asDst = n;
      case SAMPLING_RATE -> samplingRate = n;
      case PORT_SRC -> portSrc = (int) n;
      case PORT_DST -> portDst = (int) n;
      case FLOWS -> flows = n;
      default -> throw new IllegalArgumentException(field + " is not a count");
    }
  }

  /** Sets a field of any other kind to what it reads as (a country code, a protocol label...). */
  void text(LineField field, String value) {
    switch (field) {
      case LABEL -> label = value;
      case EVENT_TYPE -> eventType = value;
      case PEER_IP_SRC -> peerIpSrc = value;
      case IP_SRC -> ipSrc = value;
      case IP_DST -> ipDst = value;
      case COUNTRY_IP_SRC -> countryIpSrc = value;
      case COUNTRY_IP_DST -> countryIpDst = value;
      case IP_PROTO -> protocol = value;
      default -> throw new IllegalArgumentException(field + " is a count");
    }
  }
}

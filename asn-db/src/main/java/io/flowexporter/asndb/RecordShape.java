package io.flowexporter.asndb;

import java.util.Map;

/**
 * The record layouts of the AS databases this module reads. The shape of a file is decided from
 * its first network's record.
 */
public enum RecordShape {
  /**
   * MaxMind GeoLite2-ASN and DB-IP ASN: {@code autonomous_system_number} (an unsigned integer)
   * and {@code autonomous_system_organization} (a string).
   */
  MAXMIND("autonomous_system_number", "autonomous_system_organization"),

  /**
   * IPinfo's ASN database: {@code asn} as text ({@code "AS15169"}) and {@code name}. IPinfo Lite's
   * {@code as_name} is read when there is no {@code name}.
   */
  IPINFO("asn", "name");

  private final String asnField;
  private final String nameField;

  RecordShape(String asnField, String nameField) {
    this.asnField = asnField;
    this.nameField = nameField;
  }

  /** The record field holding the AS number. */
  public String asnField() {
    return asnField;
  }

  /** The record field holding the organisation name. */
  public String nameField() {
    return nameField;
  }

  /** The shape whose AS-number field the record has, or null if none. */
  static RecordShape of(Map<String, ?> record) {
    for (RecordShape shape : values()) {
      if (record.containsKey(shape.asnField)) {
        return shape;
      }
    }
    return null;
  }

  /**
   * The AS number in a record of this shape, or -1 when the record has none or it is not a valid
   * unsigned 32-bit AS number.
   */
  long asnIn(Map<String, ?> record) {
    Object value = record.get(asnField);
    if (value instanceof Number number) {
      return checked(number.longValue());
    }
    if (value instanceof String text) {
      String digits = text.regionMatches(true, 0, "AS", 0, 2) ? text.substring(2) : text;
      if (digits.isEmpty() || digits.length() > 10) {
        return -1;
      }
      for (int i = 0; i < digits.length(); i++) {
        if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
          return -1;
        }
      }
      return checked(Long.parseLong(digits));
    }
    return -1;
  }

  /** The organisation name in a record of this shape, or "" when it has none. */
  String nameIn(Map<String, ?> record) {
    if (record.get(nameField) instanceof String name) {
      return name;
    }
    return this == IPINFO && record.get("as_name") instanceof String asName ? asName : "";
  }

  private static long checked(long asn) {
    return asn >= 0 && asn <= AsnLookup.MAX_ASN ? asn : -1;
  }
}

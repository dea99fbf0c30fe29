package io.flowexporter.asndb;

import java.util.Map;

/**
 * The record layouts of the databases this module reads: AS layouts, read by {@link AsnDatabase},
 * and country layouts, read by {@link CountryDatabase}. The layout of a file is decided from its
 * records, never from its name.
 */
public enum RecordShape {
  /**
   * MaxMind GeoLite2-ASN and DB-IP ASN: {@code autonomous_system_number} (an unsigned integer) and
   * {@code autonomous_system_organization} (a string).
   */
  MAXMIND(Kind.AS, "autonomous_system_number", "autonomous_system_organization"),

  /**
   * IPinfo's ASN database and IPinfo Lite: {@code asn} as text ({@code "AS15169"}) and {@code
   * name}. IPinfo Lite's {@code as_name} is read when there is no {@code name}.
   */
  IPINFO(Kind.AS, "asn", "name"),

  /**
   * MaxMind GeoLite2-Country, GeoIP2-Country and GeoLite2-City, and DB-IP's country and city
   * databases: {@code country.iso_code} and {@code country.names.en}; when a record has no {@code
   * country} (MaxMind leaves it out where it knows only who registered the network), {@code
   * registered_country.iso_code} and {@code registered_country.names.en}. DB-IP has no {@code
   * registered_country}.
   */
  MAXMIND_COUNTRY(Kind.COUNTRY, "country.iso_code", "country.names.en"),

  /**
   * IPinfo Lite: {@code country_code} and {@code country} (the English name), in the same records
   * as its AS fields (so the one file is also an {@link #IPINFO} AS database).
   */
  IPINFO_COUNTRY(Kind.COUNTRY, "country_code", "country");

  /** What a layout tells about an address. */
  public enum Kind {
    /** The AS that announces it. */
    AS,
    /** The country it is in. */
    COUNTRY
  }

  private final Kind kind;
  private final String valueField;
  private final String nameField;

  RecordShape(Kind kind, String valueField, String nameField) {
    this.kind = kind;
    this.valueField = valueField;
    this.nameField = nameField;
  }

  /** Whether this is an AS layout or a country layout. */
  public Kind kind() {
    return kind;
  }

  /**
   * The record field holding what is looked up: the AS number, or the country code. A field in a
   * nested map is written with dots ({@code country.iso_code}).
   */
  public String valueField() {
    return valueField;
  }

  /** The record field holding the AS's organisation name or the country's English name. */
  public String nameField() {
    return nameField;
  }

  /** The AS layout whose AS-number field the record has, or null if none. */
  static RecordShape asnShapeOf(Map<String, ?> record) {
    for (RecordShape shape : values()) {
      if (shape.kind == Kind.AS && record.containsKey(shape.valueField)) {
        return shape;
      }
    }
    return null;
  }

  /**
   * The AS number in a record of this AS layout, or -1 when the record has none or it is not a
   * valid unsigned 32-bit AS number.
   */
  long asnIn(Map<String, ?> record) {
    Object value = record.get(valueField);
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

  /** The organisation name in a record of this AS layout, or "" when it has none. */
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

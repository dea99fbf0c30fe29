package io.flowexporter.app;

import io.flowexporter.asndb.AsnLookup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts {@code 64500} or {@code AS64500} to an AS number, refusing anything outside 1..2^32-1.
 */
final class AsnNumbers implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String digits = value.trim();
    if (digits.regionMatches(true, 0, "AS", 0, 2)) {
      digits = digits.substring(2);
    }
    long asn;
    try {
      asn = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not an AS number");
    }
    if (asn < 1 || asn > AsnLookup.MAX_ASN) {
      throw new TypeConversionException("AS number " + value + " is outside 1..4294967295");
    }
    return asn;
  }
}

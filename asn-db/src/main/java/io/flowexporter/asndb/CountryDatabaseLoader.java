package io.flowexporter.asndb;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a .mmdb file into a {@link CountryDatabase}: what the country layouts' records mean, for
 * {@link MmdbLoader}. The layout is read per record, so a file's first record may lack a country
 * (MaxMind has such networks); only a file none of whose records has a country field is refused.
 * One instance per load.
 */
final class CountryDatabaseLoader extends MmdbLoader.Indexer<CountryDatabase> {

  private static final Logger LOG = LoggerFactory.getLogger(CountryDatabase.class);

  /** The country fields of every layout; the others (cities, locations, …) are not decoded. */
  private static final MmdbWalker.Fields FIELDS =
      MmdbWalker.Fields.of(
          "country.iso_code",
          "country.names.en",
          "registered_country.iso_code",
          "registered_country.names.en",
          "country_code"); // IPinfo Lite's "country", a string, is decoded through country.*

  private static final String FIELDS_LOOKED_FOR =
      "country.iso_code, registered_country.iso_code, country_code";

  private final String[] names = new String[CountryCodes.COUNT];
  private final boolean[] seen = new boolean[CountryCodes.COUNT];
  private int countries;
  private RecordShape shape;

  private CountryDatabaseLoader() {
    super(FIELDS);
  }

  static CountryDatabase load(Path file) throws AsnDatabaseException {
    return MmdbLoader.load(file, new CountryDatabaseLoader());
  }

  /** The country number of a record; the file's shape is that of the first record with one. */
  @Override
  long valueOf(Map<String, Object> record) {
    Object code;
    Object name;
    RecordShape layout;
    if (record.containsKey("country_code")) {
      layout = RecordShape.IPINFO_COUNTRY;
      code = record.get("country_code");
      name = record.get("country");
    } else {
      Map<?, ?> country = map(record.get("country"));
      if (!hasCode(country)) {
        // a country without a usable code says nothing: the registered country is a better answer
        Map<?, ?> registered = map(record.get("registered_country"));
        country = registered != null ? registered : country;
      }
      if (country == null) {
        return -1; // no country fields
      }
      layout = RecordShape.MAXMIND_COUNTRY;
      code = country.get("iso_code");
      name = country.get("names") instanceof Map<?, ?> byLanguage ? byLanguage.get("en") : null;
    }
    if (shape == null) {
      shape = layout;
    }
    int number = code instanceof String text ? CountryCodes.numberOf(text) : -1;
    if (number > 0) {
      if (!seen[number]) {
        seen[number] = true;
        countries++;
      }
      if (names[number] == null && name instanceof String text && !text.isEmpty()) {
        names[number] = text;
      }
    }
    return number;
  }

  @Override
  CountryDatabase build(MmdbLoader.Loaded loaded) throws AsnDatabaseException {
    if (shape == null) {
      throw new AsnDatabaseException(
          loaded.path(),
          "no country fields ("
              + FIELDS_LOOKED_FOR
              + "); its records have "
              + (loaded.fieldNames().isEmpty()
                  ? "no fields"
                  : String.join(", ", loaded.fieldNames())));
    }
    DatabaseInfo info = loaded.info(shape, 0, countries);
    loaded.log(LOG, "country database", info, countries, "countries");
    if (loaded.withoutValue() > 0) {
      LOG.info(
          "{}: {} networks have no country or no valid country code and look up as {}",
          loaded.path(),
          loaded.withoutValue(),
          CountryLookup.UNKNOWN);
    }
    return new CountryDatabase(info, loaded.ranges(), names.clone());
  }

  /** Whether a country map has an iso_code of two letters (ZZ included: "no country" is said). */
  private static boolean hasCode(Map<?, ?> country) {
    return country != null
        && country.get("iso_code") instanceof String code
        && CountryCodes.numberOf(code) >= 0;
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> map ? map : null;
  }
}

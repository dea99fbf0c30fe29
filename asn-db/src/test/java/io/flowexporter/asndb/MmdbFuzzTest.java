package io.flowexporter.asndb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Coverage-guided fuzzing of the .mmdb reader with Jazzer: whatever bytes a database file holds,
 * {@link AsnDatabase#load} and {@link CountryDatabase#load} either load it, and then answer
 * lookups, or refuse it with an {@link AsnDatabaseException} naming the file; no other exception or
 * error (a stack overflow, an out-of-memory) escapes, and nothing hangs.
 *
 * <p>Under {@code mvn verify} (regression mode) this replays the committed inputs in {@code
 * src/test/resources/io/flowexporter/asndb/MmdbFuzzTestInputs/load/}: small valid databases written
 * by MaxMind's writer (the seeds) and every input a fuzzing run has found to fail. {@code
 * bench/fuzz} fuzzes it ({@code JAZZER_FUZZ=1}); see docs/testing.md.
 */
class MmdbFuzzTest {

  /**
   * One file, replaced for each input as a new database replaces the old one (written beside it,
   * then renamed over it): the loaders read files, as the exporter does. Not rewritten in place:
   * the loaders map the file into memory, the mappings of earlier inputs last until a GC, and
   * truncating a file mapped a thousand times took most of the fuzzer's time.
   */
  private static final Path FILE = scratchFile();

  private static final Path NEXT = FILE.resolveSibling("next.mmdb");

  private static final String MESSAGE_START = FILE + ": ";

  private static final String[] ADDRESSES = {
    "8.8.8.8",
    "1.1.1.1",
    "0.0.0.0",
    "255.255.255.255",
    "::",
    "2001:4860::1",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
  };

  /**
   * True when Jazzer fuzzes ({@code JAZZER_FUZZ} set, as bench/fuzz does), false when replaying.
   */
  private static final boolean FUZZING =
      System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();

  /**
   * Replaying, each input goes through both loaders. Fuzzing, each goes through those of {@link
   * #loadersFor}: a load's fixed costs (mapping the file, the IPv4 index's 65,536 buckets) are most
   * of an input's time, and two loads per input would halve the inputs a run tries.
   */
  // Plain checks rather than AssertJ's: this runs millions of times when fuzzing.
  @FuzzTest(maxDuration = "10m")
  void load(byte[] file) throws IOException {
    Files.write(NEXT, file);
    Files.move(NEXT, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    int loaders = FUZZING ? loadersFor(file) : AS | COUNTRY;
    if ((loaders & AS) != 0) {
      loadAsn();
    }
    if ((loaders & COUNTRY) != 0) {
      loadCountry();
    }
  }

  /** {@link #loadersFor}: {@link AsnDatabase#load}. */
  static final int AS = 1;

  /** {@link #loadersFor}: {@link CountryDatabase#load}. */
  static final int COUNTRY = 2;

  /**
   * The loaders a fuzzed input goes through ({@link #AS}, {@link #COUNTRY} or both): those whose
   * record fields it names. A file loads only as a database whose field names it holds (a .mmdb
   * stores keys as plain UTF-8 bytes), so no input is kept from a loader that would load it: with
   * {@code country} (country, registered_country, country_code) it goes to the country loader, with
   * {@code asn} or {@code autonomous_system_number} to the AS loader, with both (IPinfo Lite) to
   * both; every seed reaches the loader it was written for. An input naming neither is refused by
   * both, in the code they share (the reader, the walk): it goes to one, by the parity of its
   * length.
   */
  static int loadersFor(byte[] file) {
    String text = new String(file, StandardCharsets.ISO_8859_1);
    int loaders = 0;
    if (text.contains("asn") || text.contains("autonomous_system_number")) {
      loaders |= AS;
    }
    if (text.contains("country")) {
      loaders |= COUNTRY;
    }
    if (loaders == 0) {
      loaders = file.length % 2 == 0 ? AS : COUNTRY;
    }
    return loaders;
  }

  private static void loadAsn() {
    try {
      AsnDatabase asn = AsnDatabase.load(FILE);
      for (String address : ADDRESSES) {
        long number = asn.asnOf(address);
        check(number >= 0 && number <= AsnLookup.MAX_ASN, "AS number for", address);
        check(asn.nameOf(number) != null, "null name of the AS of", address);
      }
    } catch (AsnDatabaseException e) {
      assertRefusal(e);
    }
  }

  private static void loadCountry() {
    try {
      CountryDatabase country = CountryDatabase.load(FILE);
      for (String address : ADDRESSES) {
        String code = country.countryOf(address);
        check(code != null && code.length() == 2, "country code for", address);
        check(country.nameOf(code) != null, "null name of the country of", address);
      }
    } catch (AsnDatabaseException e) {
      assertRefusal(e);
    }
  }

  private static void assertRefusal(AsnDatabaseException e) {
    check(FILE.equals(e.file()), "file named by", e);
    check(
        e.getMessage() != null
            && e.getMessage().startsWith(MESSAGE_START)
            && e.getMessage().length() < 2_000,
        "message of",
        e);
  }

  private static void check(boolean ok, String what, Object about) {
    if (!ok) {
      throw new AssertionError("unexpected " + what + " " + about);
    }
  }

  private static Path scratchFile() {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "mmdb-fuzz")
              : Files.createTempDirectory("mmdb-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("fuzz.mmdb");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

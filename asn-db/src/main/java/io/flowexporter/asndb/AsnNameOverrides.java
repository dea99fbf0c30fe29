package io.flowexporter.asndb;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Operator-chosen AS names that win over the database's: for private ASNs (64512–65534,
 * 4200000000–4294967294), which no public database names, and for an operator's own naming.
 *
 * <p>File format (UTF-8), one AS a line: {@code asn,name}. The AS number is decimal, optionally
 * written {@code AS64512}; the name is the rest of the line, trimmed (it may contain commas; it may
 * be wrapped in double quotes, with {@code ""} for a quote inside). Blank lines and lines starting
 * with {@code #} are ignored, and so is a first line {@code asn,name}. A line that does not parse,
 * an AS outside 0–4294967295, an empty name or an AS listed twice is an error naming the file and
 * line.
 *
 * <p>Immutable; safe from any thread.
 */
public final class AsnNameOverrides {

  /** No overrides. */
  public static final AsnNameOverrides NONE = new AsnNameOverrides(new AsnNames.Builder().build());

  private final AsnNames names;

  private AsnNameOverrides(AsnNames names) {
    this.names = names;
  }

  /**
   * Reads an overrides file.
   *
   * @throws AsnDatabaseException if the file is missing or unreadable, or a line is bad; the
   *     message names the file (and line)
   */
  public static AsnNameOverrides load(Path file) throws AsnDatabaseException {
    AsnNames.Builder names = new AsnNames.Builder();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      boolean first = true;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        if (first && text.replace(" ", "").equalsIgnoreCase("asn,name")) {
          first = false;
          continue;
        }
        first = false;
        parseLine(file, lineNumber, text, names);
      }
    } catch (AsnDatabaseException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new AsnDatabaseException(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw new AsnDatabaseException(file, "cannot be read: permission denied", e);
    } catch (CharacterCodingException e) {
      throw new AsnDatabaseException(file, "is not UTF-8 text", e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    }
    return new AsnNameOverrides(names.build());
  }

  /** Overrides from a map of AS number → name (for tests and programmatic configuration). */
  public static AsnNameOverrides of(Map<Long, String> names) {
    AsnNames.Builder builder = new AsnNames.Builder();
    names.forEach(builder::put);
    return new AsnNameOverrides(builder.build());
  }

  /** The overriding name of an AS, or "" if it has none. */
  public String nameOf(long asn) {
    return names.nameOf(asn);
  }

  /** How many ASes have an overriding name. */
  public int size() {
    return names.size();
  }

  /**
   * A lookup that answers addresses from {@code lookup} and names from these overrides first, then
   * from {@code lookup}. It calls {@code lookup} on each call, so it follows a {@link
   * ReloadingAsnDatabase}'s reloads.
   */
  public AsnLookup applyTo(AsnLookup lookup) {
    if (names.size() == 0) {
      return lookup;
    }
    return new AsnLookup() {
      @Override
      public long asnOf(String ipAddress) {
        return lookup.asnOf(ipAddress);
      }

      @Override
      public String nameOf(long asn) {
        String name = names.nameOf(asn);
        return name.isEmpty() ? lookup.nameOf(asn) : name;
      }

      @Override
      public String toString() {
        return lookup + " with " + names.size() + " name overrides";
      }
    };
  }

  private static void parseLine(Path file, int lineNumber, String text, AsnNames.Builder names)
      throws AsnDatabaseException {
    int comma = text.indexOf(',');
    if (comma < 0) {
      throw bad(file, lineNumber, "expected asn,name but got: " + text);
    }
    String number = text.substring(0, comma).strip();
    if (number.regionMatches(true, 0, "AS", 0, 2)) {
      number = number.substring(2);
    }
    long asn;
    if (number.isEmpty() || number.length() > 10 || !number.chars().allMatch(Character::isDigit)) {
      throw bad(file, lineNumber, "not an AS number: " + text.substring(0, comma).strip());
    }
    asn = Long.parseLong(number);
    if (asn > AsnLookup.MAX_ASN) {
      throw bad(file, lineNumber, "AS number above 4294967295: " + number);
    }
    String name = text.substring(comma + 1).strip();
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1).replace("\"\"", "\"").strip();
    }
    if (name.isEmpty()) {
      throw bad(file, lineNumber, "empty name for AS " + asn);
    }
    if (names.contains(asn)) {
      throw bad(file, lineNumber, "AS " + asn + " is listed twice");
    }
    names.put(asn, name);
  }

  private static AsnDatabaseException bad(Path file, int line, String problem) {
    return new AsnDatabaseException(file, "line " + line + ": " + problem);
  }
}

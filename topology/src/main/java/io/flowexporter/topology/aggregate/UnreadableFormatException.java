package io.flowexporter.topology.aggregate;

/**
 * Data under this application id that this version cannot read: a bucket of the totals store's
 * changelog, or a message of the repartition topic. It is the same in every thread and on every
 * instance, so replacing the stream thread cannot help; a type of its own lets the exporter stop at
 * its first occurrence with advice that names the application id, which this module does not know.
 *
 * <p>The format byte tells a newer version's data (a byte above the one this version writes) from
 * data no version of flow-exporter writes (another program's, or damaged). Data of older versions
 * never gets here: their totals are in another store, refused before the stream starts.
 */
public final class UnreadableFormatException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String found;
  private final String topicSuffix;
  private final boolean newerVersion;

  /**
   * @param found what was found, in the words of the topic's format (for example "bucket 7 is in
   *     format 9, not 3")
   * @param topicSuffix the internal topic's name after {@code <application-id>-}
   * @param newerVersion whether the format byte is one a newer version writes
   */
  public UnreadableFormatException(String found, String topicSuffix, boolean newerVersion) {
    super(
        "Topic <application-id>-"
            + topicSuffix
            + " holds data this version cannot read: "
            + found
            + (newerVersion
                ? ". A newer version of flow-exporter wrote it."
                : ". No version of flow-exporter writes that: another program wrote it, or it is"
                    + " damaged.")
            + " Run one version per --application-id, or start a new one.");
    this.found = found;
    this.topicSuffix = topicSuffix;
    this.newerVersion = newerVersion;
  }

  /** What was found, without advice. */
  public String found() {
    return found;
  }

  /** The internal topic holding the data, for this application id. */
  public String topic(String applicationId) {
    return applicationId + "-" + topicSuffix;
  }

  /** Whether a newer version of flow-exporter wrote the data (else no version did). */
  public boolean newerVersion() {
    return newerVersion;
  }
}

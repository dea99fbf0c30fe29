package io.flowexporter.app.console;

import io.flowexporter.app.logging.RepeatingFailureLog;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import io.flowexporter.topology.series.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rates for the console, from this instance's own committed totals: every few seconds it reads a
 * snapshot of the totals (the one /metrics shows), and turns the growth of each series since the
 * previous sample into bits, packets and flows per second, summed per {@link Dimension} entity and
 * direction. It keeps the last 15 minutes of rates of the busiest entities in memory, for
 * sparklines; it is not a time-series database (Prometheus is), and it forgets everything on
 * restart.
 *
 * <p>Rates come from the growth of each series, never of a sum: a series that appears (a new label
 * set, or a partition this instance took over) starts counting at its second sample instead of
 * adding its whole total as a spike, and a series whose total went down (a partition handed back
 * and forth) counts no growth.
 *
 * <p>History is kept per time slot of {@code interval}, not per sample: a sample that comes after
 * missed intervals (the instance was not ready, or a sample failed) advances by as many slots, and
 * the missed ones stay unknown (NaN), so that a sparkline shows the gap and spans the window. The
 * slots are the schedule's runs, counted: a late sample is still its own interval's.
 *
 * <p>Bounded: history is kept for the {@value #TRACKED} busiest entities of each dimension and
 * direction at each sample, and for at most as many more that were among them lately (those most
 * recently, none out of the top for a whole window), so that an entity dipping below the top keeps
 * its sparkline, while memory grows neither with the number of series nor with how fast the ranking
 * changes: at most {@value #MAX_TRACKS} histories per dimension and direction.
 *
 * <p>While the instance is not ready ({@link #notReady}) nothing is sampled and the last sample's
 * rates are withdrawn from the view (its totals and histories stay): they are no longer current,
 * and a reader must not take them for the traffic now.
 *
 * <p>Threading: {@link #sample} and {@link #notReady} run on one thread (the sampler's); {@link
 * #view()} may be called from any thread and returns an immutable view of the last sample.
 */
public final class RateSampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RateSampler.class);

  /** Time between samples. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  /** How far back rates are kept. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  /** The busiest entities of one dimension and direction, whose history is always kept. */
  public static final int TRACKED = 100;

  /**
   * Histories kept at most per dimension and direction: the {@link #TRACKED} busiest now, and as
   * many that were among them lately.
   */
  public static final int MAX_TRACKS = 2 * TRACKED;

  private final Supplier<TotalsSnapshot> source;
  private final Clock clock;
  private final Duration interval;
  private final int slots;
  private final SeriesFamily[] familyById = new SeriesFamily[SeriesFamily.IDS];
  private final List<Dimension> dimensions = new ArrayList<>();
  private ScheduledExecutorService thread;

  // State of the sampling thread.
  private TotalsSnapshot previous;
  private Map<SeriesKey, Integer> previousIndex = Map.of();
  private long previousNanos;

  /**
   * The time slot of the last sample: 0 for the first, then one more per scheduled run since (not
   * per sample), so that history has a place for each interval, sampled or not.
   */
  private long slot;

  /**
   * Scheduled runs since the first sample, which is the slot of the next one: each {@link #sample}
   * and {@link #notReady} is one run of the fixed-rate schedule, one interval. Counted, not
   * measured: a sample that starts late (a GC pause, a busy core) is followed by one on time, and
   * timing them would put the two intervals' samples three slots apart, with a gap in every
   * sparkline where traffic was sampled. -1 before the first sample.
   */
  private long runs = -1;

  private final Map<Group, Map<String, Track>> tracks = new HashMap<>();
  private final EnumMap<Direction, Track> totalTracks = new EnumMap<>(Direction.class);

  private volatile RateView view;

  /** Whether {@link #view} has had its rates withdrawn since the last sample. */
  private boolean withdrawn;

  /** One ranked list: a dimension in one direction. */
  public record Group(Dimension dimension, Direction direction) {}

  /**
   * @param source the committed totals of this instance, as /metrics shows them
   * @param families the families this instance counts: their dimensions are ranked
   * @param interval time between samples (the rates' resolution)
   * @param window how far back history is kept
   */
  public RateSampler(
      Supplier<TotalsSnapshot> source,
      SeriesFamilies families,
      Duration interval,
      Duration window,
      Clock clock) {
    this.source = source;
    this.clock = clock;
    this.interval = interval;
    this.slots = (int) Math.max(1, window.toMillis() / interval.toMillis());
    for (SeriesFamily f : families.all()) {
      familyById[f.id()] = f;
    }
    for (Dimension d : Dimension.values()) {
      if (familyById[d.familyId()] != null) {
        dimensions.add(d);
      }
    }
    for (Direction dir : Direction.values()) {
      totalTracks.put(dir, new Track(slots));
    }
    this.view = RateView.empty(dimensions, interval, window);
  }

  /**
   * Starts sampling every {@link #INTERVAL} on a daemon thread of its own, while {@code ready}: a
   * not-ready instance serves no totals (they are being restored, or between owners), so its
   * samples would be zeros, and the next sample after it would count restored totals as growth.
   */
  public static RateSampler start(
      Supplier<TotalsSnapshot> source, SeriesFamilies families, BooleanSupplier ready) {
    RateSampler sampler = new RateSampler(source, families, INTERVAL, WINDOW, Clock.systemUTC());
    sampler.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "flow-exporter-rates");
              t.setDaemon(true);
              return t;
            });
    RepeatingFailureLog failures =
        new RepeatingFailureLog(LOG, "Could not sample the rates for the console");
    sampler.thread.scheduleAtFixedRate(
        () -> {
          long runsBefore = sampler.runs;
          try {
            if (ready.getAsBoolean()) {
              sampler.sample(source.get(), System.nanoTime());
            } else {
              sampler.notReady();
            }
          } catch (RuntimeException | Error e) {
            // A failed sample must not end the schedule (a scheduled task that throws is never
            // run again, and the console would show its last rates as current): the next one
            // starts afresh. Failed before sample() counted it (the totals could not be read),
            // the run still took its interval.
            if (sampler.runs == runsBefore) {
              sampler.skipInterval();
            }
            failures.failed(e, System.nanoTime());
          }
        },
        0,
        INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return sampler;
  }

  /**
   * A run without a sample (not ready, or reading the totals failed): its interval stays unknown.
   */
  void skipInterval() {
    if (runs >= 0) {
      runs++;
    }
  }

  /**
   * The instance is not ready (its totals are being restored, or are between owners): the next
   * sample starts over, with no rates (it is the first of a new pair), and until then the view has
   * no rates, only the totals and histories of the last sample.
   */
  public void notReady() {
    skipInterval();
    previous = null;
    previousIndex = Map.of();
    if (!withdrawn) {
      view = view.withoutRates();
      withdrawn = true;
    }
  }

  /** The dimensions this instance ranks (those of the families it counts). */
  public List<Dimension> dimensions() {
    return List.copyOf(dimensions);
  }

  /** The last sample's rates and totals; any thread. */
  public RateView view() {
    return view;
  }

  /**
   * Takes one sample of {@code now}, read at {@code nanos} ({@link System#nanoTime()}): one run of
   * the schedule, as {@link #notReady} is.
   */
  public void sample(TotalsSnapshot now, long nanos) {
    // Counted first: a sample that fails half-way still took its slot, which stays unknown.
    slot = Math.max(runs, 0);
    runs = slot + 1;
    boolean hasRate = previous != null && nanos > previousNanos;
    double seconds = hasRate ? (nanos - previousNanos) / 1e9 : Double.NaN;
    Map<Group, Map<String, Acc>> sums = new HashMap<>();
    EnumMap<Direction, Acc> totals = new EnumMap<>(Direction.class);
    for (Direction dir : Direction.values()) {
      totals.put(dir, new Acc());
      for (Dimension d : dimensions) {
        sums.put(new Group(d, dir), new HashMap<>());
      }
    }
    Map<SeriesKey, Integer> index = new HashMap<>((int) (now.size() / 0.75f) + 1);
    long[] delta = new long[3];
    for (int i = 0; i < now.size(); i++) {
      SeriesKey key = now.key(i);
      SeriesFamily family = key.familyId() < familyById.length ? familyById[key.familyId()] : null;
      if (family == null) {
        continue;
      }
      index.put(key, i);
      Integer before = previousIndex.get(key);
      for (Unit u : Unit.values()) {
        delta[u.ordinal()] =
            before == null ? 0 : Math.max(0, now.total(i, u) - previous.total(before, u));
      }
      boolean known = before != null;
      if (family.id() == AsFamily.FAMILY.id()) {
        totals.get(key.direction()).add(now, i, delta, known);
      }
      for (Dimension d : dimensions) {
        if (d.familyId() == family.id()) {
          sums.get(new Group(d, key.direction()))
              .computeIfAbsent(d.entityOf(key, family), e -> new Acc())
              .add(now, i, delta, known);
        }
      }
    }
    Map<Group, RateView.Ranking> rankings = new HashMap<>();
    for (Map.Entry<Group, Map<String, Acc>> g : sums.entrySet()) {
      rankings.put(g.getKey(), rank(g.getKey(), g.getValue(), hasRate, seconds));
    }
    EnumMap<Direction, RateView.Entity> totalViews = new EnumMap<>(Direction.class);
    for (Direction dir : Direction.values()) {
      RateView.Entity e = totals.get(dir).entity("total", hasRate, seconds);
      Track t = totalTracks.get(dir);
      if (hasRate) {
        t.push(e.bitsPerSecond(), slot);
      }
      totalViews.put(dir, e.withHistory(t.history(slot, historyLength())));
    }
    previous = now;
    previousIndex = index;
    previousNanos = nanos;
    withdrawn = false;
    view =
        new RateView(
            Instant.now(clock),
            interval,
            Duration.ofMillis(interval.toMillis() * slots),
            historyLength(),
            List.copyOf(dimensions),
            rankings,
            totalViews);
  }

  /** Slots since the first sample (the first that can have a rate is 1), at most the window's. */
  private int historyLength() {
    return (int) Math.min(slot, slots);
  }

  /** The group's entities, busiest first, the tracked ones with their history. */
  private RateView.Ranking rank(
      Group group, Map<String, Acc> sums, boolean hasRate, double seconds) {
    List<RateView.Entity> rows = new ArrayList<>(sums.size());
    for (Map.Entry<String, Acc> e : sums.entrySet()) {
      rows.add(e.getValue().entity(e.getKey(), hasRate, seconds));
    }
    rows.sort(
        Comparator.comparingDouble(
                (RateView.Entity e) -> Double.isNaN(e.bitsPerSecond()) ? 0 : e.bitsPerSecond())
            .reversed()
            .thenComparing(Comparator.comparingLong(RateView.Entity::bytes).reversed())
            .thenComparing(RateView.Entity::id));
    Map<String, Track> groupTracks = tracks.computeIfAbsent(group, g -> new HashMap<>());
    for (int i = 0; i < Math.min(TRACKED, rows.size()); i++) {
      groupTracks.computeIfAbsent(rows.get(i).id(), id -> new Track(slots)).lastInTop = slot;
    }
    groupTracks.values().removeIf(t -> slot - t.lastInTop > slots);
    forgetLeastRecent(groupTracks);
    Map<String, RateView.Entity> byId = new HashMap<>();
    for (RateView.Entity e : rows) {
      byId.put(e.id(), e);
    }
    int length = historyLength();
    if (hasRate) {
      for (Map.Entry<String, Track> t : groupTracks.entrySet()) {
        RateView.Entity e = byId.get(t.getKey());
        t.getValue().push(e == null ? 0 : e.bitsPerSecond(), slot);
      }
    }
    List<RateView.Entity> withHistory = new ArrayList<>(rows.size());
    for (RateView.Entity e : rows) {
      Track t = groupTracks.get(e.id());
      withHistory.add(t == null ? e : e.withHistory(t.history(slot, length)));
    }
    return new RateView.Ranking(withHistory);
  }

  /**
   * Drops the tracks of the entities out of the top for longest, down to {@link #MAX_TRACKS}: a
   * ranking that changes at every sample would otherwise keep a track for each entity that was in
   * the top at any sample of the window. The current top is never dropped (it is in the top now).
   */
  private static void forgetLeastRecent(Map<String, Track> groupTracks) {
    int excess = groupTracks.size() - MAX_TRACKS;
    if (excess <= 0) {
      return;
    }
    groupTracks.entrySet().stream()
        .sorted(
            Comparator.comparingLong((Map.Entry<String, Track> t) -> t.getValue().lastInTop)
                .thenComparing(Map.Entry::getKey))
        .limit(excess)
        .map(Map.Entry::getKey)
        .toList()
        .forEach(groupTracks::remove);
  }

  /** Sums of one entity in one sample. */
  private static final class Acc {
    final long[] totals = new long[3];
    final long[] growth = new long[3];
    int series;
    int knownSeries;

    /**
     * @param known whether the series was in the previous sample: an entity made only of new series
     *     has no rate yet (a 0 would read as traffic that stopped)
     */
    void add(TotalsSnapshot now, int i, long[] delta, boolean known) {
      series++;
      if (known) {
        knownSeries++;
      }
      for (Unit u : Unit.values()) {
        totals[u.ordinal()] += now.total(i, u);
        growth[u.ordinal()] += delta[u.ordinal()];
      }
    }

    RateView.Entity entity(String id, boolean hasRate, double seconds) {
      hasRate = hasRate && (series == 0 || knownSeries > 0);
      double bps = hasRate ? 8 * growth[Unit.BYTES.ordinal()] / seconds : Double.NaN;
      double pps = hasRate ? growth[Unit.PACKETS.ordinal()] / seconds : Double.NaN;
      double fps = hasRate ? growth[Unit.FLOWS.ordinal()] / seconds : Double.NaN;
      return new RateView.Entity(
          id,
          bps,
          pps,
          fps,
          totals[Unit.BYTES.ordinal()],
          totals[Unit.PACKETS.ordinal()],
          totals[Unit.FLOWS.ordinal()],
          null);
    }
  }

  /** The bits per second of one entity at each of the last slots, in a ring. */
  private static final class Track {
    final float[] ring;

    /** The slot of the last value pushed, 0 before the first. */
    long last;

    /** The slot of the last sample that ranked the entity among the {@link #TRACKED} busiest. */
    long lastInTop;

    Track(int slots) {
      ring = new float[slots];
      Arrays.fill(ring, Float.NaN);
    }

    void push(double bps, long slot) {
      // The slots skipped since the last push (no sample, or no rate) are unknown: cleared, or
      // they would show the values a lap of the ring ago.
      for (long s = Math.max(last + 1, slot - ring.length + 1); s < slot; s++) {
        ring[(int) (s % ring.length)] = Float.NaN;
      }
      ring[(int) (slot % ring.length)] = (float) bps;
      last = slot;
    }

    /** The values of slots {@code upTo - length + 1 .. upTo}, NaN where none was pushed. */
    double[] history(long upTo, int length) {
      double[] h = new double[length];
      for (int k = 0; k < length; k++) {
        long s = upTo - length + 1 + k;
        boolean known = s >= 1 && s <= last && last - s < ring.length;
        h[k] = known ? ring[(int) (s % ring.length)] : Double.NaN;
      }
      return h;
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}

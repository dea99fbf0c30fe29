package io.flowexporter.asndb;

import static io.flowexporter.asndb.TestDatabases.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingAsnDatabaseTest {

  private static final Duration CHECK = Duration.ofMillis(20);

  private static final String OLD =
      "8.8.8.0/24,15169,Google LLC\n2001:4860::/32,15169,Google LLC\n";
  private static final String NEW =
      "8.8.8.0/24,4200000001,New Owner\n2001:4860::/32,4200000001,New Owner\n";

  @TempDir Path dir;

  private final TestDatabases.RecordingListener listener = new TestDatabases.RecordingListener();
  private final List<DatabaseInfo> loaded = listener.loaded;
  private final List<Exception> failed = listener.failed;

  private void replace(Path target, String csv, String... options) throws IOException {
    TestDatabases.replace(dir, target, csv, options);
  }

  @Test
  void firstLoadIsSynchronousAndReported() throws IOException {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD);
    try (ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, CHECK, listener)) {
      assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
      assertThat(db.nameOf(15169)).isEqualTo("Google LLC");
      assertThat(loaded).hasSize(1);
      assertThat(loaded.get(0).path()).isEqualTo(file);
      assertThat(db.info()).isEqualTo(loaded.get(0));
    }
  }

  @Test
  void firstLoadFailureThrows() {
    Path file = dir.resolve("missing.mmdb");

    assertThatThrownBy(() -> ReloadingAsnDatabase.open(file, CHECK, listener))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void replacedFileIsSwappedInWhileLookupsRun() throws Exception {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD, "--build-epoch=1000");
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(3);
    try (ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, CHECK, listener)) {
      List<Future<Long>> lookups = new CopyOnWriteArrayList<>();
      for (int t = 0; t < 3; t++) {
        String address = t % 2 == 0 ? "8.8.8.8" : "2001:4860::8888";
        lookups.add(
            readers.submit(
                () -> {
                  long count = 0;
                  while (!stop.get()) {
                    // one snapshot per check: ASN and name must come from the same database
                    AsnDatabase snapshot = db.current();
                    long asn = snapshot.asnOf(address);
                    String name = snapshot.nameOf(asn);
                    boolean old = asn == 15169 && name.equals("Google LLC");
                    boolean fresh = asn == 4_200_000_001L && name.equals("New Owner");
                    if (!old && !fresh) {
                      throw new AssertionError("torn or failed lookup: " + asn + " " + name);
                    }
                    long direct = db.asnOf(address);
                    if (direct != 15169 && direct != 4_200_000_001L) {
                      throw new AssertionError("failed lookup: " + direct);
                    }
                    count++;
                  }
                  return count;
                }));
      }

      replace(file, NEW, "--build-epoch=2000");
      await("new database visible", () -> db.asnOf("8.8.8.8") == 4_200_000_001L);
      await("listener told", () -> loaded.size() == 2); // it hears of the swap just after it

      assertThat(db.nameOf(4_200_000_001L)).isEqualTo("New Owner");
      assertThat(db.asnOf("2001:4860::1")).isEqualTo(4_200_000_001L);
      assertThat(db.info().buildEpoch()).isEqualTo(2000);
      assertThat(loaded).extracting(DatabaseInfo::buildEpoch).containsExactly(1000L, 2000L);
      assertThat(failed).isEmpty();
      stop.set(true);
      for (Future<Long> lookup : lookups) {
        assertThat(lookup.get()).isPositive(); // rethrows a reader's AssertionError
      }
    } finally {
      stop.set(true);
      readers.shutdownNow();
    }
  }

  @Test
  void badReplacementsAreRefusedAndTheOldDatabaseStays() throws Exception {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD);
    try (ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, CHECK, listener)) {
      // not an mmdb
      TestDatabases.replace(file, "this is not a database".getBytes(StandardCharsets.UTF_8));
      await("first failure reported", () -> failed.size() == 1);
      assertThat(failed.get(0))
          .isInstanceOf(AsnDatabaseException.class)
          .hasMessageContaining(file.toString());
      assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);

      // an mmdb of an unknown shape
      replace(file, OLD, "--shape=unknown");
      await("second failure reported", () -> failed.size() == 2);
      assertThat(failed.get(1)).hasMessageContaining("unknown record shape");
      assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);

      // truncated
      byte[] good = Files.readAllBytes(TestDatabases.write(dir, "good.mmdb", NEW));
      TestDatabases.replace(file, Arrays.copyOf(good, good.length / 2));
      await("third failure reported", () -> failed.size() == 3);
      assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);

      // removed
      Files.delete(file);
      await("fourth failure reported", () -> failed.size() == 4);
      assertThat(failed.get(3)).hasMessage(file + ": no such file");
      assertThat(db.nameOf(15169)).isEqualTo("Google LLC");
      assertThat(loaded).hasSize(1);

      // and a good file is picked up again
      replace(file, NEW);
      await("good file loaded", () -> db.asnOf("8.8.8.8") == 4_200_000_001L);
      await("listener told", () -> loaded.size() == 2);
      assertThat(loaded).hasSize(2);
      assertThat(failed).hasSize(4); // each bad state was reported once, not on every check
    }
  }

  @Test
  void aRefusedFileIsTriedAgainOnceItsPermissionsChange() throws Exception {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD);
    try (ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, Duration.ofHours(1), listener)) {
      TestDatabases.replace(file, "this is not a database".getBytes(StandardCharsets.UTF_8));
      db.reloadIfChanged();
      assertThat(failed).hasSize(1);
      db.reloadIfChanged();
      assertThat(failed).as("the same file: not tried again").hasSize(1);
      // Kernels before 6.13 stamp a file's status change from a clock that ticks every few
      // milliseconds: a chmod right after the write could carry the same time.
      Thread.sleep(20);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      db.reloadIfChanged();
      assertThat(failed).as("its permissions changed (chmod): tried again").hasSize(2);
      assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
    }
  }

  @Test
  void reloadIfChangedChecksNowAndCloseStopsChecking() throws Exception {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD);
    ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, Duration.ofHours(1), listener);
    assertThat(db.reloadIfChanged()).isFalse();
    replace(file, NEW);
    assertThat(db.reloadIfChanged()).isTrue();
    assertThat(db.asnOf("8.8.8.8")).isEqualTo(4_200_000_001L);
    db.close();
    assertThat(db.nameOf(4_200_000_001L)).isEqualTo("New Owner");
  }

  @Test
  void overridesFollowReloads() throws Exception {
    Path file = TestDatabases.write(dir, "asn.mmdb", OLD);
    try (ReloadingAsnDatabase db = ReloadingAsnDatabase.open(file, Duration.ofHours(1), listener)) {
      AsnLookup lookup = AsnNameOverrides.of(Map.of(15169L, "G")).applyTo(db);
      replace(file, NEW);
      db.reloadIfChanged();
      assertThat(lookup.asnOf("8.8.8.8")).isEqualTo(4_200_000_001L);
      assertThat(lookup.nameOf(4_200_000_001L)).isEqualTo("New Owner");
      assertThat(lookup.nameOf(15169)).isEqualTo("G");
    }
  }
}

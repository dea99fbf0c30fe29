package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MmdbLoader reads a file by two opens (maxmind-db's Reader for the metadata, then the bytes), so a
 * file renamed over the path meanwhile (geoipupdate, curl && mv) must be read again, whole: never
 * loaded as one file's metadata with the other's bytes, nor as the old file once it is gone. The
 * file is replaced at a set moment of the load, from a hook of the file system the path belongs to,
 * so that the race goes the same way at every run.
 */
class MmdbLoaderTest {

  /** Nine networks: a search tree of another size than NEW's, so a mix of the two cannot pass. */
  private static final String OLD = TestDatabases.SAMPLE;

  private static final String NEW =
      "8.8.8.0/24,4200000001,New Owner\n2001:4860::/32,4200000001,New Owner\n";

  private static byte[] oldBytes;
  private static byte[] newBytes;
  private static DatabaseInfo newInfo;

  @TempDir Path dir;

  private Path file;

  /** Written once: the perl writer takes about a third of a second per file. */
  @BeforeAll
  static void writeOldAndNew(@TempDir Path written) throws IOException {
    oldBytes =
        Files.readAllBytes(TestDatabases.write(written, "old.mmdb", OLD, "--build-epoch=1000"));
    Path fresh = TestDatabases.write(written, "new.mmdb", NEW, "--build-epoch=2000");
    newBytes = Files.readAllBytes(fresh);
    newInfo = AsnDatabase.load(fresh).info();
  }

  @BeforeEach
  void placeOldFile() throws IOException {
    file = Files.write(dir.resolve("asn.mmdb"), oldBytes);
  }

  @Test
  void aFileReplacedBetweenItsMetadataAndItsBytesIsReadAgainAndTheNewFileIsLoaded()
      throws IOException {
    HookedFiles files = new HookedFiles();
    // MmdbLoader's own opens: the 1st checks that the file can be read, the 2nd reads its bytes
    // (the Reader has read the old file's metadata by then).
    files.once("open 2", () -> TestDatabases.replace(file, newBytes));

    AsnDatabase db = AsnDatabase.load(files.path(file));

    assertThat(files.hooksLeft()).as("the file was replaced during the load").isEmpty();
    assertIsTheNewFile(db);
  }

  @Test
  void aFileReplacedAfterItsBytesWereReadIsReadAgainAndTheNewFileIsLoaded() throws IOException {
    HookedFiles files = new HookedFiles();
    // The first look at the file after its bytes were read: the old file was read whole, and is
    // gone now.
    files.once("stat after open 2", () -> TestDatabases.replace(file, newBytes));

    AsnDatabase db = AsnDatabase.load(files.path(file));

    assertThat(files.hooksLeft()).as("the file was replaced during the load").isEmpty();
    assertIsTheNewFile(db);
  }

  private void assertIsTheNewFile(AsnDatabase db) {
    assertThat(db.asnOf("8.8.8.8")).isEqualTo(4_200_000_001L);
    assertThat(db.asnOf("2001:4860::1")).isEqualTo(4_200_000_001L);
    assertThat(db.nameOf(4_200_000_001L)).isEqualTo("New Owner");
    assertThat(db.asnOf("1.1.1.1")).as("a network of the old file only").isZero();
    // The metadata too (build epoch, network counts) is the new file's.
    assertThat(db.info())
        .usingRecursiveComparison()
        .ignoringFields("path", "loadMillis")
        .isEqualTo(newInfo);
  }

  /** A file operation of a hook. */
  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /**
   * The default file system seen through a provider that runs a hook, once, at a named moment:
   * {@code "open N"} just before the path's N-th open, {@code "stat after open N"} at the first
   * read of its attributes after it. maxmind-db's Reader opens {@link Path#toFile()}, around this
   * provider, so only MmdbLoader's own opens are counted. Only what the loader uses is supported.
   */
  private static final class HookedFiles extends FileSystemProvider {
    private final FileSystemProvider real = FileSystems.getDefault().provider();
    private final FileSystem fileSystem = new HookedFileSystem(this);
    private final Map<String, IoAction> hooks = new HashMap<>();
    private int opens;

    void once(String moment, IoAction action) {
      hooks.put(moment, action);
    }

    List<String> hooksLeft() {
      return new ArrayList<>(hooks.keySet());
    }

    /**
     * {@code file} on this provider's file system. A Path proxy: every method is the real path's
     * (toString, toFile, ...), but for getFileSystem, through which Files finds the provider.
     */
    Path path(Path file) {
      return (Path)
          Proxy.newProxyInstance(
              HookedFiles.class.getClassLoader(),
              new Class<?>[] {Path.class},
              new Wrapped(file, fileSystem));
    }

    private record Wrapped(Path file, FileSystem fileSystem) implements InvocationHandler {
      @Override
      public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("getFileSystem")) {
          return fileSystem;
        }
        try {
          return method.invoke(file, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }

    private static Path unwrap(Path path) {
      return Proxy.isProxyClass(path.getClass())
              && Proxy.getInvocationHandler(path) instanceof Wrapped wrapped
          ? wrapped.file()
          : path;
    }

    private void at(String moment) throws IOException {
      IoAction hook = hooks.remove(moment);
      if (hook != null) {
        hook.run();
      }
    }

    @Override
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      at("open " + ++opens);
      return real.newByteChannel(unwrap(path), options, attrs);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      at("stat after open " + opens);
      return real.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
        throws IOException {
      return real.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      real.checkAccess(unwrap(path), modes);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return real.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public String getScheme() {
      return "hooked";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isHidden(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileStore getFileStore(Path path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
      throw new UnsupportedOperationException();
    }
  }

  /** What a path of {@link HookedFiles} belongs to: only its provider is of use. */
  private static final class HookedFileSystem extends FileSystem {
    private final FileSystemProvider provider;

    HookedFileSystem(FileSystemProvider provider) {
      this.provider = provider;
    }

    @Override
    public FileSystemProvider provider() {
      return provider;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public String getSeparator() {
      return FileSystems.getDefault().getSeparator();
    }

    @Override
    public void close() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(String first, String... more) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
      throw new UnsupportedOperationException();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
      throw new UnsupportedOperationException();
    }

    @Override
    public WatchService newWatchService() {
      throw new UnsupportedOperationException();
    }
  }
}

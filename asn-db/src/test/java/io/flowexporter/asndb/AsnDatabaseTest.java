package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsnDatabaseTest {

  @TempDir Path dir;

  @Test
  void geoLite2ShapeInAnIpv6TreeAnswersIpv4AndIpv6() throws IOException {
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));

    assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("8.8.8.0")).isEqualTo(15169);
    assertThat(db.asnOf("8.8.8.255")).isEqualTo(15169);
    assertThat(db.asnOf("8.8.9.0")).isZero();
    assertThat(db.asnOf("2001:4860:4860::8888")).isEqualTo(15169);
    assertThat(db.asnOf("2001:4860:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo(15169);
    assertThat(db.asnOf("2001:4861::")).isZero();
    assertThat(db.asnOf("1.1.1.1")).isEqualTo(13335);
    assertThat(db.asnOf("2606:4700:0:0:0:0:0:1111")).isEqualTo(13335);
    assertThat(db.nameOf(15169)).isEqualTo("Google LLC");
    assertThat(db.nameOf(13335)).isEqualTo("Cloudflare, Inc.");
    assertThat(db.nameOf(1)).isEmpty();
  }

  @Test
  void ipv4MappedAndCompatibleAddressesAreLookedUpAsIpv4() throws IOException {
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));

    assertThat(db.asnOf("::ffff:8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("::FFFF:808:808")).isEqualTo(15169);
    assertThat(db.asnOf("0:0:0:0:0:ffff:0101:0101")).isEqualTo(13335);
    assertThat(db.asnOf("::8.8.8.8")).isEqualTo(15169);
  }

  @Test
  void sixToFourAndTeredoAliasesAnswerLikeMaxMindsReader() throws IOException {
    // the writer aliases 2002::/16 and 2001::/32 to the IPv4 tree: the next 32 bits are IPv4
    AsnDatabase aliased =
        AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));
    AsnDatabase plain =
        AsnDatabase.load(TestDatabases.write(dir, "na.mmdb", TestDatabases.SAMPLE, "--no-alias"));

    assertThat(aliased.asnOf("2002:808:808::1")).isEqualTo(15169);
    assertThat(aliased.asnOf("2002:101:101:ffff::")).isEqualTo(13335);
    assertThat(aliased.asnOf("2001:0:808:808::1")).isEqualTo(15169);
    assertThat(aliased.asnOf("2002:909:909::")).isZero();
    assertThat(plain.asnOf("2002:808:808::1")).isZero();
    assertThat(plain.asnOf("2001:0:808:808::1")).isZero();
  }

  @Test
  void ipv4OnlyTreeAnswersIpv4AndMappedIpv6() throws IOException {
    AsnDatabase db =
        AsnDatabase.load(
            TestDatabases.write(dir, "v4.mmdb", TestDatabases.SAMPLE, "--ip-version=4"));

    assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("::ffff:8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("2001:4860::1")).isZero();
    assertThat(db.info().ipv6Networks()).isZero();
    assertThat(db.info().ipv4Networks()).isEqualTo(5);
  }

  @Test
  void ipv6TreeWithoutAliasesAnswersIpv4() throws IOException {
    AsnDatabase db =
        AsnDatabase.load(TestDatabases.write(dir, "na.mmdb", TestDatabases.SAMPLE, "--no-alias"));

    assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("::ffff:8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("2001:4860::1")).isEqualTo(15169);
  }

  @Test
  void anIpv6NetworkHoldingTheIpv4SubtreeWholeAnswersIpv4LikeMaxMindsReader() throws IOException {
    for (String covering : new String[] {"::/0", "::/64"}) {
      AsnDatabase db =
          AsnDatabase.load(
              TestDatabases.write(
                  dir,
                  "default.mmdb",
                  covering + ",64500,Default Transit\n2a00::/16,64501,Other\n",
                  "--no-alias"));
      assertThat(db.asnOf("8.8.8.8")).as(covering).isEqualTo(64500);
      assertThat(db.asnOf("::ffff:8.8.8.8")).as(covering).isEqualTo(64500);
      assertThat(db.asnOf("2a00::1")).as(covering).isEqualTo(64501);
    }
  }

  @Test
  void ipinfoShape() throws IOException {
    AsnDatabase db =
        AsnDatabase.load(
            TestDatabases.write(dir, "ipinfo.mmdb", TestDatabases.SAMPLE, "--shape=ipinfo"));

    assertThat(db.info().shape()).isEqualTo(RecordShape.IPINFO);
    assertThat(db.asnOf("8.8.8.8")).isEqualTo(15169);
    assertThat(db.asnOf("2001:4860::1")).isEqualTo(15169);
    assertThat(db.nameOf(15169)).isEqualTo("Google LLC");
    assertThat(db.asnOf("10.20.30.40")).isEqualTo(4_200_000_001L);
    assertThat(db.nameOf(4_200_000_001L)).isEqualTo("Private Operator");
  }

  @Test
  void ipinfoLiteShapeNamesFromAsName() throws IOException {
    AsnDatabase db =
        AsnDatabase.load(
            TestDatabases.write(
                dir, "lite.mmdb", TestDatabases.IPINFO_LITE, "--shape=ipinfo-lite"));

    assertThat(db.info().shape()).isEqualTo(RecordShape.IPINFO);
    assertThat(db.asnOf("1.1.1.1")).isEqualTo(13335);
    assertThat(db.nameOf(13335)).isEqualTo("Cloudflare, Inc.");
    assertThat(db.asnOf("2001:4860::1")).isEqualTo(15169);
    assertThat(db.nameOf(15169)).isEqualTo("Google LLC");
  }

  @Test
  void asNumbersAbove2To31AreUnsigned() throws IOException {
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));

    assertThat(db.asnOf("10.20.0.1")).isEqualTo(4_200_000_001L);
    assertThat(db.asnOf("fd00:1234::5")).isEqualTo(4_200_000_001L);
    assertThat(db.nameOf(4_200_000_001L)).isEqualTo("Private Operator");
    assertThat(db.asnOf("255.255.255.255")).isEqualTo(4_294_967_294L);
    assertThat(db.nameOf(4_294_967_294L)).isEqualTo("Top Of Range");
  }

  @Test
  void unknownAddressesAndGarbageAreAsZero() throws IOException {
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));

    for (String text :
        Arrays.asList(
            null,
            "",
            "9.9.9.9",
            "0.0.0.0",
            "::",
            "::1",
            "2a00::1",
            "garbage",
            "8.8.8",
            "8.8.8.8.8",
            "8.8.8.256",
            "8.8.8.8 ",
            " 8.8.8.8",
            "8.8.8.-1",
            "example.com",
            "2001:4860::1::2",
            "2001:4860:::1",
            "2001:4860:0:0:0:0:0:0:1",
            "2001:48600::",
            "2001:4860::1:",
            ":2001::",
            "::ffff:8.8.8",
            "::ffff:8.8.8.8.8",
            "[2001:4860::1]",
            "g::1",
            ":",
            ":::")) {
      assertThat(db.asnOf(text)).as("%s", text).isZero();
    }
    assertThat(db.nameOf(0)).isEmpty();
    assertThat(db.nameOf(-1)).isEmpty();
    assertThat(db.nameOf(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void adjacentRangesOfOneAsAreMergedWithoutChangingAnswers() throws IOException {
    // 198.51.101.0/24 and 198.51.102.0/24 touch but make no /23, so the tree keeps them apart
    String csv =
        """
        198.51.101.0/24,64501,Neighbour
        198.51.102.0/24,64501,Neighbour
        198.51.103.0/24,64502,Other
        """;
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "adj.mmdb", csv, "--ip-version=4"));

    assertThat(db.asnOf("198.51.100.255")).isZero();
    assertThat(db.asnOf("198.51.101.0")).isEqualTo(64501);
    assertThat(db.asnOf("198.51.101.255")).isEqualTo(64501);
    assertThat(db.asnOf("198.51.102.0")).isEqualTo(64501);
    assertThat(db.asnOf("198.51.102.255")).isEqualTo(64501);
    assertThat(db.asnOf("198.51.103.0")).isEqualTo(64502);
    assertThat(db.asnOf("198.51.104.0")).isZero();
    assertThat(db.info().ipv4Networks()).isEqualTo(3);
    assertThat(db.ipv4Ranges()).isEqualTo(2);
  }

  @Test
  void infoDescribesTheFile() throws IOException {
    Path file =
        TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE, "--build-epoch=1700000000");
    DatabaseInfo info = AsnDatabase.load(file).info();

    assertThat(info.path()).isEqualTo(file);
    assertThat(info.type()).isEqualTo("GeoLite2-ASN");
    assertThat(info.buildEpoch()).isEqualTo(1_700_000_000L);
    assertThat(info.shape()).isEqualTo(RecordShape.MAXMIND);
    assertThat(info.ipv4Networks()).isEqualTo(5);
    assertThat(info.ipv6Networks()).isEqualTo(3);
    assertThat(info.asns()).isEqualTo(5);
    assertThat(info.loadMillis()).isNotNegative();
  }

  @Test
  void unknownRecordShapeIsAnErrorNamingTheFieldsFound() throws IOException {
    Path file = TestDatabases.write(dir, "odd.mmdb", TestDatabases.SAMPLE, "--shape=unknown");

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown record shape")
        .hasMessageContaining("[as_num, org]")
        .hasMessageContaining("autonomous_system_number");
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("nope.mmdb");

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void directoryInsteadOfFile() {
    assertThatThrownBy(() -> AsnDatabase.load(dir))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(dir + ": is a directory, not a .mmdb file");
  }

  @Test
  void unreadableFile() throws IOException {
    Path file = TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    try {
      if (Files.isReadable(file)) {
        // running as root: permissions do not stop reads, so chmod 000 cannot make the case.
        // The closest case root can get is a path that exists but cannot be read as a file.
        Path notAFile = Files.createDirectory(dir.resolve("unreadable.mmdb"));
        assertThatThrownBy(() -> AsnDatabase.load(notAFile))
            .isInstanceOf(AsnDatabaseException.class)
            .hasMessageStartingWith(notAFile + ": ");
        assertThat(AsnDatabase.load(file).asnOf("8.8.8.8")).isEqualTo(15169);
      } else {
        assertThatThrownBy(() -> AsnDatabase.load(file))
            .isInstanceOf(AsnDatabaseException.class)
            .hasMessage(file + ": cannot be read: permission denied");
      }
    } finally {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** The refusal's words for each way opening fails, also where the tests run as root. */
  @Test
  void refusalWhenTheFileCannotBeOpened() {
    Path file = dir.resolve("asn.mmdb");
    assertThat(MmdbLoader.cannotOpen(file, new AccessDeniedException(file.toString())))
        .hasMessage(file + ": cannot be read: permission denied");
    assertThat(MmdbLoader.cannotOpen(file, new NoSuchFileException(file.toString())))
        .hasMessage(file + ": no such file");
    assertThat(MmdbLoader.cannotOpen(file, new IOException("Input/output error")))
        .hasMessage(file + ": cannot be read: java.io.IOException: Input/output error");
  }

  @Test
  void truncatedFiles() throws IOException {
    byte[] whole = Files.readAllBytes(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));
    for (int length : new int[] {0, 1, 16, whole.length / 2, whole.length - 30, whole.length - 1}) {
      Path file = dir.resolve("cut-" + length + ".mmdb");
      Files.write(file, Arrays.copyOf(whole, length));
      assertThatThrownBy(() -> AsnDatabase.load(file))
          .as("cut at %d of %d bytes", length, whole.length)
          .isInstanceOf(AsnDatabaseException.class)
          .hasMessageStartingWith(file + ": ");
    }
  }

  @Test
  void damagedSearchTree() throws IOException {
    byte[] bytes = Files.readAllBytes(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));
    Arrays.fill(bytes, 0, 600, (byte) 0xFF); // node records pointing far outside the file
    Path file = dir.resolve("damaged.mmdb");
    Files.write(file, bytes);

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageStartingWith(file + ": ");
  }

  @Test
  void searchTreeThatLoopsIsRefusedQuickly() throws IOException {
    Path good = TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE, "--record-size=24");
    byte[] bytes = Files.readAllBytes(good);
    // every node's two records point to node 1: a DAG with 2^127 paths if walked naively
    for (int node = 0; node < 40; node++) {
      for (int side = 0; side < 2; side++) {
        int at = node * 6 + side * 3;
        bytes[at] = 0;
        bytes[at + 1] = 0;
        bytes[at + 2] = 1;
      }
    }
    Path file = dir.resolve("loop.mmdb");
    Files.write(file, bytes);

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageStartingWith(file + ": damaged or truncated MaxMind DB file")
        .hasMessageContaining("invalid search tree");
  }

  @Test
  void notAnMmdbFile() throws IOException {
    Path file = dir.resolve("GeoLite2-ASN.csv");
    Files.writeString(file, "network,autonomous_system_number,autonomous_system_organization\n");

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageStartingWith(file + ": not a valid MaxMind DB (.mmdb) file");
  }
}

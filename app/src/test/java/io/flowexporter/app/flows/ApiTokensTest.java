package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.app.StartupFlagException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

  @TempDir Path dir;

  @Test
  void namedAndBareTokensCommentsAndBlankLines() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# operators\nalice:aaaaaaaaaaaaaaaa1\n\n  bbbbbbbbbbbbbbbb2  \n");
    ApiTokens tokens = ApiTokens.load(file);
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.check("aaaaaaaaaaaaaaaa1").name()).isEqualTo("alice");
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").name()).isEqualTo("line 4");
    assertThat(tokens.check("aaaaaaaaaaaaaaaa").name()).isNull();
    assertThat(tokens.check("").name()).isNull();
  }

  @Test
  void aShortTokenOrAnEmptyFileIsABadFileNamingTheLineNotTheToken() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:aaaaaaaaaaaaaaaa1\nbob:short-secret\n");
    assertThatThrownBy(() -> ApiTokens.load(file))
        .isInstanceOfSatisfying(
            StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo("--api-token-file"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("16")
        .hasMessageNotContaining("short-secret");
    Files.writeString(file, "# nobody\n");
    assertThatThrownBy(() -> ApiTokens.load(file)).hasMessageContaining("no token");
  }

  @Test
  void theFileIsReadAgainWhenItChangesAndABrokenOrMissingOneRevokesEveryToken() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:aaaaaaaaaaaaaaaa1\n");
    ApiTokens tokens = ApiTokens.load(file);
    Files.writeString(file, "bob:bbbbbbbbbbbbbbbb2\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    Thread.sleep(1100); // checked at most once a second
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").name()).isEqualTo("bob");
    assertThat(tokens.check("aaaaaaaaaaaaaaaa1").name()).isNull();
    assertThat(tokens.check("aaaaaaaaaaaaaaaa1")).isEqualTo(new ApiTokens.Verdict(null, false));
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").accepted()).isTrue();
    Files.writeString(file, "bob:bbbbbbbbbbbbbbbb2\ncarol:short\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
    Thread.sleep(1100);
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").name()).as("a bad line refuses everyone").isNull();
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2"))
        .as("refused because no token is valid, not as an unknown token")
        .isEqualTo(new ApiTokens.Verdict(null, true));
    Files.writeString(file, "bob:bbbbbbbbbbbbbbbb2\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(15)));
    Thread.sleep(1100);
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").name()).isEqualTo("bob");
    Files.delete(file);
    Thread.sleep(1100);
    assertThat(tokens.check("bbbbbbbbbbbbbbbb2").name())
        .as("a deleted file revokes every token")
        .isNull();
  }

  @Test
  void aCopyThatKeepsTheTimeAndSizeStillRevokesTheTokenItLeftOut() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:aaaaaaaaaaaaaaaa1\n");
    FileTime stamp = Files.getLastModifiedTime(file);
    ApiTokens tokens = ApiTokens.load(file);
    // As cp -p or rsync -t would leave it: another token of the same length, the old time.
    Files.writeString(file, "alice:aaaaaaaaaaaaaaaa2\n");
    Files.setLastModifiedTime(file, stamp);
    assertThat(Files.size(file)).isEqualTo("alice:aaaaaaaaaaaaaaaa1\n".length());
    Thread.sleep(1100); // checked at most once a second
    assertThat(tokens.check("aaaaaaaaaaaaaaaa1").name()).as("the revoked token").isNull();
    assertThat(tokens.check("aaaaaaaaaaaaaaaa2").name()).isEqualTo("alice");
  }

  @Test
  void aBadFileMadeGoodIsReadAgainEvenWithTheSameTimeAndSize() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "alice:aaaaaaaaaaaaaaaa1\n");
    ApiTokens tokens = ApiTokens.load(file);
    // A token being written: seen with a space in it, then complete, in the same second and size.
    Files.writeString(file, "dave:dddddddd dddddddd\n");
    FileTime stamp = FileTime.from(Instant.now().plusSeconds(5));
    Files.setLastModifiedTime(file, stamp);
    Thread.sleep(1100);
    assertThat(tokens.check("dddddddd dddddddd").name()).isNull();
    Files.writeString(file, "dave:ddddddddxdddddddd\n");
    Files.setLastModifiedTime(file, stamp);
    Thread.sleep(1100);
    assertThat(tokens.check("ddddddddxdddddddd").name()).isEqualTo("dave");
  }
}

package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash leftovers: the newest complete {@code .old-} copy is restored, stale temporaries are deleted. */
class AtomicDirectoryTest {
    @TempDir
    Path tmp;

    private Path copy(String name, String content, long mtimeMillis) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("f"), content);
        Files.setLastModifiedTime(d, FileTime.fromMillis(mtimeMillis));
        return d;
    }

    private String[] names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void recoverRestoresTheNewestCompleteLeftoverAndSkipsIncompleteOnes() throws IOException {
        Path dir = tmp.resolve("ck");
        copy(".ck.old-1", "oldest", 1_000_000L);
        copy(".ck.old-2", "complete", 2_000_000L);
        copy(".ck.old-3", "broken", 3_000_000L);            // newest, but not complete
        boolean restored = AtomicDirectory.recover(dir, p -> !readF(p).equals("broken"));
        assertThat(restored).isTrue();
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo("complete");
        assertThat(AtomicDirectory.recover(dir, p -> true)).as("dir exists: nothing to do").isFalse();
    }

    @Test
    void deleteStaleRemovesTemporariesAlwaysAndOldCopiesOnlyWhenTheDirectoryExists() throws IOException {
        Path dir = tmp.resolve("ck");
        copy(".ck.tmp-abc", "partial", 1_000_000L);
        copy(".ck.old-7", "previous", 1_000_000L);
        copy(".other.tmp-x", "not ours", 1_000_000L);
        assertThat(AtomicDirectory.deleteStale(dir)).containsExactly(tmp.resolve(".ck.tmp-abc"));
        assertThat(names()).containsExactly(".ck.old-7", ".other.tmp-x"); // the only copy is kept while ck is missing
        copy("ck", "current", 2_000_000L);
        assertThat(AtomicDirectory.deleteStale(dir)).containsExactly(tmp.resolve(".ck.old-7"));
        assertThat(names()).containsExactly(".other.tmp-x", "ck");
    }

    @Test
    void replaceRecoversThenCleansBeforeWriting() throws IOException {
        Path dir = tmp.resolve("ck");
        copy(".ck.old-5", "previous", 1_000_000L);
        copy(".ck.tmp-dead", "partial", 1_000_000L);
        AtomicDirectory.replace(dir, d -> Files.writeString(d.resolve("f"), "new"));
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo("new");
        assertThat(names()).containsExactly("ck");
    }

    private static String readF(Path d) {
        try {
            return Files.readString(d.resolve("f"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicFiles}: the target is replaced whole on success and untouched on failure, with no temporary file left.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesOnSuccessAndKeepsTheOldFileWhenTheBodyFails() throws IOException {
        Path f = dir.resolve("out.txt");
        AtomicFiles.write(f, "first".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(f)).isEqualTo("first");
        AtomicFiles.write(f, "second".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(f)).isEqualTo("second");

        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half of a third".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessageContaining("simulated");
        assertThat(Files.readString(f)).as("old content intact").isEqualTo("second");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("out.txt");
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorAndCreatesNothing() {
        Path f = dir.resolve("missing").resolve("out.txt");
        assertThatThrownBy(() -> AtomicFiles.write(f, new byte[] {1})).isInstanceOf(IOException.class);
        assertThat(Files.exists(f.getParent())).isFalse();
    }
}

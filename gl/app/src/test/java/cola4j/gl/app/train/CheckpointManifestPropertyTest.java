package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * jqwik property: any change of any single byte of a real training checkpoint (manifest.json included) makes
 * {@link CheckpointManifest#verify} fail with a {@link CheckpointException}, and the unchanged copy verifies.
 * The checkpoint is written once by {@code cola train} (tiny MLP, cola, 4 steps); 300 tries, bounded.
 */
class CheckpointManifestPropertyTest {
    private static Path root, good;
    private static List<Path> files;

    @BeforeContainer
    static void writeCheckpoint() throws IOException {
        root = Files.createTempDirectory("cola-manifest-prop");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(sink, true);
        int code = Main.run(new String[] {"train", "--model", "mlp", "--preset", "tiny", "--task", "rotate",
                "--method", "cola", "--steps", "4", "--batch", "4", "--eval-every", "2", "--eval-examples", "8",
                "--out", root.resolve("run").toString(), "--cache", root.resolve("cache").toString(), "--quiet"},
                new Io(ps, ps));
        assertThat(code).as(sink.toString()).isZero();
        good = root.resolve("run").resolve(TrainState.DIR);
        try (Stream<Path> s = Files.walk(good)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        // adapter_config.json, adapter_model.safetensors, cola4j_adapter.json, manifest.json,
        // training_state.json, training_state.safetensors
        assertThat(files).hasSize(6).contains(good.resolve(CheckpointManifest.FILE));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        if (root == null) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Property(tries = 300)
    void anySingleByteChangeIsDetected(@ForAll @IntRange(min = 0, max = 5) int fileIndex,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int position,
            @ForAll @IntRange(min = 1, max = 255) int xor) throws IOException {
        Path copy = copyOfGood();
        try {
            Path f = copy.resolve(good.relativize(files.get(fileIndex)).toString());
            byte[] b = Files.readAllBytes(f);
            int at = position % b.length;
            b[at] ^= (byte) xor;
            Files.write(f, b);
            assertThatThrownBy(() -> CheckpointManifest.verify(copy)).isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith("checkpoint " + copy);
        } finally {
            delete(copy);
        }
    }

    @Example
    void anUnchangedCopyVerifies() throws IOException {
        Path copy = copyOfGood();
        try {
            assertThat(CheckpointManifest.verify(copy).files()).hasSize(5);     // every file but the manifest
        } finally {
            delete(copy);
        }
    }

    private static Path copyOfGood() throws IOException {
        Path copy = Files.createTempDirectory(root, "copy");
        for (Path f : files) {
            Path to = copy.resolve(good.relativize(f).toString());
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
        }
        return copy;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}

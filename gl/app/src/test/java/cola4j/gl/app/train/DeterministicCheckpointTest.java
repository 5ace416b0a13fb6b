package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two separate JVM processes running the same {@code cola train} config write byte-identical checkpoints (every file,
 * the manifest included) and metrics.csv: no metadata depends on a map's per-JVM iteration order, nothing on the clock.
 * ({@code Map.of} iterates in an order salted per JVM, so before the writers sorted their keys the two processes'
 * bytes differed.)
 */
class DeterministicCheckpointTest {
    @TempDir
    Path tmp;

    private int train(Path out, Path cache, Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "cola4j.gl.app.cli.Main", "train", "--model", "mlp", "--preset", "tiny", "--task", "rotate",
                "--method", "cola", "--interval", "2", "--steps", "8", "--batch", "8", "--eval-every", "4",
                "--eval-examples", "32", "--out", out.toString(), "--cache", cache.toString(), "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) { // a bounded wait: a hung child fails the test instead of the build
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void twoProcessesWriteByteIdenticalCheckpoints() throws Exception {
        Path cache = tmp.resolve("cache"), a = tmp.resolve("a"), b = tmp.resolve("b");
        assertThat(train(a, cache, tmp.resolve("a.log"))).as(log(tmp.resolve("a.log"))).isZero();
        assertThat(train(b, cache, tmp.resolve("b.log"))).as(log(tmp.resolve("b.log"))).isZero();
        CheckpointCorruptionTest.assertSameCheckpoint(a.resolve(TrainState.DIR), b.resolve(TrainState.DIR));
        assertThat(Files.readAllBytes(b.resolve(MetricsLog.CSV)))
                .isEqualTo(Files.readAllBytes(a.resolve(MetricsLog.CSV)));
        // metadata keys are written sorted (an unsorted Map.of would differ between the JVMs)
        assertThat(List.copyOf(cola4j.tensor.io.Safetensors.read(a.resolve(TrainState.DIR)
                .resolve(AdapterCheckpoint.WEIGHTS_FILE)).metadata().keySet())).isNotEmpty().isSorted();
    }

    private static String log(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return e.toString();
        }
    }
}

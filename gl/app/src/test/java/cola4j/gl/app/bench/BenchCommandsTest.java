package cola4j.gl.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.cli.PlainModes;
import cola4j.tensor.Backend;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the bench commands end to end with tiny sizes and repetitions and checks the JSON structure and that every
 * number is positive and finite. No timing is asserted (speed belongs in the benchmarks themselves).
 */
class BenchCommandsTest {
    static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertThat(code).as("exit code; stderr: " + err).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    static void assertPositive(JsonNode row, String field) {
        assertThat(row.has(field)).as(field + " in " + row).isTrue();
        assertThat(row.get(field).isNumber()).as(field).isTrue();
        double v = row.get(field).asDouble();
        assertThat(Double.isFinite(v) && v > 0).as(field + " = " + v).isTrue();
    }

    @Test
    void gemmJsonHasOneRowPerSizeAndDtype(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("gemm.json");
        String table = run("bench", "gemm", "--sizes", "8,33", "--reps", "1", "--warmup", "0", "--warmup-ms", "0",
                "--json", json.toString());
        assertThat(table).contains("engine/direct").contains("float32").contains("float64");
        JsonNode root = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(root.size()).isEqualTo(1);
        JsonNode rows = root.get("gemm");
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(4);
        int[] ns = {8, 8, 33, 33};
        String[] dtypes = {"float32", "float64", "float32", "float64"};
        for (int i = 0; i < 4; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().containsExactlyElementsOf(PerBackendBenchesTest.GEMM_FIELDS);
            assertThat(r.get("backend").asText()).as("the process's backend").isEqualTo(Backend.current().label());
            assertThat(r.get("n").asInt()).isEqualTo(ns[i]);
            assertThat(r.get("dtype").asText()).isEqualTo(dtypes[i]);
            for (String f : List.of("engine_gflops", "direct_gflops", "nd4j_gflops", "engine_over_direct")) {
                assertPositive(r, f);
            }
        }
    }

    @Test
    void opsJsonHasAddMulSum(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ops.json");
        run("bench", "ops", "--reps", "1", "--warmup", "0", "--json", json.toString());
        JsonNode rows = JsonFiles.MAPPER.readTree(json.toFile()).get("ops");
        assertThat(rows).hasSize(3);
        String[] ops = {"add", "mul", "sum"};
        for (int i = 0; i < 3; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().containsExactlyElementsOf(PerBackendBenchesTest.OPS_FIELDS);
            assertThat(r.get("backend").asText()).as("the process's backend").isEqualTo(Backend.current().label());
            assertThat(r.get("op").asText()).isEqualTo(ops[i]);
            for (String f : List.of("engine_us", "autograd_fwd_us", "autograd_fwd_bwd_us")) assertPositive(r, f);
        }
    }

    @Test
    void opsSweepHasOneRowPerKernelAndSize(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        String table = run("bench", "ops", "--sweep", "--numel", "100,600", "--reps", "1", "--warmup", "0", "--json",
                json.toString());
        assertThat(table).contains("speedup").contains("layer_norm");
        JsonNode rows = JsonFiles.MAPPER.readTree(json.toFile()).get("ops");
        String[] ops = {"add", "exp", "gelu", "sum_last", "layer_norm"};
        assertThat(rows).hasSize(2 * ops.length);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable()
                    .containsExactly("op", "numel", "threads", "serial_us", "parallel_us", "speedup");
            assertThat(r.get("op").asText()).isEqualTo(ops[i / 2]);
            assertThat(r.get("numel").asInt()).as("rounded up to rows of 256").isEqualTo(i % 2 == 0 ? 256 : 768);
            for (String f : List.of("threads", "serial_us", "parallel_us", "speedup")) assertPositive(r, f);
        }
    }

    @Test
    void memoryPlotWritesItsBytesAtomicallyWithAPlainFileMode(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plots/m.png");
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        MemoryPlot.writeAtomic(png, bytes);
        assertThat(java.nio.file.Files.readAllBytes(png)).isEqualTo(bytes);
        PlainModes.assertPlain(png);
        try (var s = java.nio.file.Files.list(png.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("m.png");
        }
    }

    @Test
    void timingMedianOfOddAndEvenCounts() {
        assertThat(Timing.median(new double[] {3, 1, 2})).isEqualTo(2.0);
        assertThat(Timing.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}

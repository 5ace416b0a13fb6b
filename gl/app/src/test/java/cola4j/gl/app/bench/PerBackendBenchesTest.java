package cola4j.gl.app.bench;

import static cola4j.gl.app.bench.BenchCommandsTest.assertPositive;
import static cola4j.gl.app.bench.BenchCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.tensor.Backend;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench ops} and {@code bench gemm} with {@code --backend heap,nd4j} ({@link BackendList}): the option's
 * parsing and usage errors, one JSON row per backend (and size), the load average in every row, and
 * {@code --markdown}. Tiny sizes and repetitions; no timing is asserted.
 */
class PerBackendBenchesTest {
    static final List<String> GEMM_FIELDS = List.of("backend", "n", "dtype", "engine_gflops", "direct_gflops",
            "nd4j_gflops", "engine_over_direct", "load1");
    static final List<String> OPS_FIELDS = List.of("backend", "op", "engine_us", "autograd_fwd_us",
            "autograd_fwd_bwd_us", "load1");

    private static List<Backend> parse(String... args) throws Exception {
        CommandLine cl = new DefaultParser().parse(new GemmBench().options(), args);
        return BackendList.parse(cl);
    }

    @Test
    void backendListKeepsTheGivenOrderAndDefaultsToTheProcessBackend() throws Exception {
        assertThat(parse("--backend", "heap,nd4j")).containsExactly(Backend.HEAP, Backend.ND4J);
        assertThat(parse("--backend", "nd4j,heap")).containsExactly(Backend.ND4J, Backend.HEAP);
        assertThat(parse("--backend", " ND4J ")).containsExactly(Backend.ND4J);
        assertThat(parse()).containsExactly(Backend.current());
        Backend old = Backend.select(Backend.ND4J);
        try {
            assertThat(parse()).containsExactly(Backend.ND4J);
        } finally {
            Backend.select(old);
        }
    }

    @Test
    void badBackendListsAreUsageErrors() {
        String[][] cases = {{"--backend", "gpu"}, {"--backend", ""}, {"--backend", " "}, {"--backend", ","},
                {"--backend", "heap,"}, {"--backend", "heap,,nd4j"}, {"--backend", "heap,HEAP"}};
        String[] expected = {"--backend: backend 'gpu': expected heap or nd4j", "--backend: empty list",
                "--backend: empty list", "--backend: empty entry in ','", "--backend: empty entry in 'heap,'",
                "--backend: empty entry in 'heap,,nd4j'", "--backend: heap given twice"};
        for (int i = 0; i < cases.length; i++) {
            String[] c = cases[i];
            assertThatThrownBy(() -> parse(c)).as(String.join(" ", c)).isInstanceOf(UsageException.class)
                    .hasMessageStartingWith(expected[i]);
        }
    }

    @Test
    void opsAndGemmRejectABadListWithExitCode2BeforeMeasuring() {
        String[][] cases = {{"bench", "ops", "--backend", "cuda"}, {"bench", "gemm", "--backend", ""},
                {"bench", "gemm", "--backend", "nd4j,nd4j"}, {"bench", "ops", "--sweep", "--backend", "heap"},
                {"bench", "ops", "--backend", "heap", "--backend", "nd4j"}};
        String[] expected = {"--backend: backend 'cuda': expected heap or nd4j", "--backend: empty list",
                "--backend: nd4j given twice", "--backend does not apply to --sweep",
                "option --backend given more than once"};
        for (int i = 0; i < cases.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = Main.run(cases[i], new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
            String e = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(String.join(" ", cases[i]) + ": " + e).isEqualTo(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
            String[] lines = e.split("\n");
            assertThat(lines).as(e).hasSize(2);
            assertThat(lines[0]).startsWith("cola bench " + cases[i][1] + ": " + expected[i]);
            assertThat(lines[1]).isEqualTo("Run 'cola bench " + cases[i][1] + " --help' for usage.");
        }
    }

    @Test
    void gemmHasOneRowPerBackendSizeAndDtype(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("gemm.json");
        String table = run("bench", "gemm", "--backend", "heap,nd4j", "--sizes", "8,17", "--reps", "1",
                "--warmup", "0", "--warmup-ms", "0", "--json", json.toString());
        assertThat(table).contains("backend").contains("nd4j mmul GFLOP/s").contains("load1");
        JsonNode root = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(root.size()).isEqualTo(1);
        JsonNode rows = root.get("gemm");
        assertThat(rows).hasSize(8);
        for (int i = 0; i < 8; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().containsExactlyElementsOf(GEMM_FIELDS);
            assertThat(r.get("backend").asText()).isEqualTo(i < 4 ? "heap" : "nd4j");
            assertThat(r.get("n").asInt()).isEqualTo(i % 4 < 2 ? 8 : 17);
            assertThat(r.get("dtype").asText()).isEqualTo(i % 2 == 0 ? "float32" : "float64");
            for (String f : List.of("engine_gflops", "direct_gflops", "nd4j_gflops", "engine_over_direct")) {
                assertPositive(r, f);
            }
            assertLoad(r);
        }
    }

    @Test
    void opsHasOneRowPerBackendAndOp(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ops.json");
        run("bench", "ops", "--backend", "nd4j,heap", "--reps", "1", "--warmup", "0", "--json", json.toString());
        JsonNode rows = JsonFiles.MAPPER.readTree(json.toFile()).get("ops");
        assertThat(rows).hasSize(6);
        String[] ops = {"add", "mul", "sum"};
        for (int i = 0; i < 6; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().containsExactlyElementsOf(OPS_FIELDS);
            assertThat(r.get("backend").asText()).isEqualTo(i < 3 ? "nd4j" : "heap");
            assertThat(r.get("op").asText()).isEqualTo(ops[i % 3]);
            for (String f : List.of("engine_us", "autograd_fwd_us", "autograd_fwd_bwd_us")) assertPositive(r, f);
            assertLoad(r);
        }
    }

    @Test
    void markdownPrintsTheCommandTheMachineAndTheTable(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ops.json");
        String md = run("bench", "ops", "--backend", "heap", "--reps", "1", "--warmup", "0", "--markdown",
                "--json", json.toString());
        String[] lines = md.split("\n");
        assertThat(lines[0]).isEqualTo("`cola bench ops --backend heap --reps 1 --warmup 0`");
        assertThat(md).contains("Machine: nproc = ").contains("load average (1, 5, 15 min) at start: ")
                .contains("| backend | op | engine µs | autograd fwd µs | autograd fwd+bwd µs | load1 |")
                .contains("|---|---|---:|---:|---:|---:|").contains("| heap | add | ")
                .contains("Load average (1, 5, 15 min) at end: ");
        assertThat(Files.exists(json)).as("--markdown and --json together").isTrue();
    }

    /** load1 is the 1-minute load average read from /proc/loadavg (NaN only where there is none). */
    private static void assertLoad(JsonNode r) {
        assertThat(r.has("load1")).isTrue();
        if (Files.isReadable(Path.of("/proc/loadavg"))) {
            assertThat(r.get("load1").isNumber()).as("load1 in " + r).isTrue();
            assertThat(r.get("load1").asDouble()).isGreaterThanOrEqualTo(0.0);
        }
    }
}

package cola4j.gl.app.bench;

import static cola4j.gl.app.bench.BenchCommandsTest.assertPositive;
import static cola4j.gl.app.bench.BenchCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * step, samediff, memory, comm and all with {@code --quick} (tiny model): JSON structure, positive numbers, the
 * exact properties the numbers must have (comm payload == analytic, memory flat / linear in K), never timing.
 */
class TrainingBenchesTest {
    static JsonNode json(Path file, String key) throws Exception {
        JsonNode root = JsonFiles.MAPPER.readTree(file.toFile());
        assertThat(root.has(key)).as(key + " in " + root.fieldNames()).isTrue();
        return root.get(key);
    }

    @Test
    void stepHasFourMethodsWithServerAndUserTimes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("step.json");
        String table = run("bench", "step", "--quick", "--steps", "2", "--warmup", "0", "--json", f.toString());
        assertThat(table).contains("cola-merged");
        JsonNode rows = json(f, "step");
        assertThat(rows).hasSize(4);
        List<String> methods = List.of("full", "lora", "cola-unmerged", "cola-merged");
        for (int i = 0; i < 4; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().containsExactly("backend", "method", "server_ms", "user_ms",
                    "total_ms");
            assertThat(r.get("method").asText()).isEqualTo(methods.get(i));
            assertPositive(r, "server_ms");
            assertPositive(r, "total_ms");
            if (i < 2) assertThat(r.get("user_ms").asDouble()).as("backprop methods have no user part").isZero();
            else assertPositive(r, "user_ms");
        }
    }

    @Test
    void samediffIsOneObjectAndBothSidesComputeTheSameLoss(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sd.json");
        run("bench", "samediff", "--quick", "--steps", "2", "--warmup", "1", "--json", f.toString());
        JsonNode o = json(f, "samediff");
        assertThat(o.isObject()).isTrue();
        for (String k : List.of("ours_ms", "samediff_ms", "ratio")) assertPositive(o, k);
        assertThat(o.get("ratio").asDouble()).isCloseTo(o.get("ours_ms").asDouble() / o.get("samediff_ms").asDouble(),
                org.assertj.core.data.Percentage.withPercentage(1e-9));
        // same weights, same batch, same SGD: float32 rounding only (a wrong graph or update would differ by >= 1e-2)
        assertThat(o.get("initial_loss_rel_diff").asDouble()).isLessThan(1e-5);
        assertThat(o.get("final_loss_rel_diff").asDouble()).isLessThan(1e-4);
    }

    @Test
    void memoryMergedIsFlatLoraLinearUnmergedGrowsByReplicas(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mem.json");
        run("bench", "memory", "--quick", "--users", "1,2,4", "--json", f.toString());
        JsonNode rows = json(f, "memory");
        assertThat(rows).hasSize(9);
        Map<String, long[]> server = new HashMap<>(), user = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.fieldNames()).toIterable().startsWith("method", "users", "server_bytes", "user_bytes");
            assertPositive(r, "server_bytes");
            server.computeIfAbsent(r.get("method").asText(), m -> new long[3])[i % 3] = r.get("server_bytes").asLong();
            user.computeIfAbsent(r.get("method").asText(), m -> new long[3])[i % 3] = r.get("user_bytes").asLong();
        }
        long[] merged = server.get("cola-merged"), lora = server.get("lora"), unmerged = server.get("cola-unmerged");
        assertThat(merged[1]).isEqualTo(merged[0]);
        assertThat(merged[2]).isEqualTo(merged[0]);
        long perUser = lora[1] - lora[0];
        assertThat(perUser).isPositive();
        assertThat(lora[2] - lora[0]).isEqualTo(3 * perUser);
        // unmerged grows by the adapter values only; LoRA per user: the same values, as many gradient bytes, and AdamW
        // state (two moments of the same size plus step counters)
        long replica = unmerged[1] - unmerged[0];
        assertThat(replica).isPositive();
        assertThat(unmerged[2] - unmerged[0]).isEqualTo(3 * replica);
        JsonNode lora1 = rows.get(0).get("server_by_category"), lora2 = rows.get(1).get("server_by_category");
        assertThat(lora2.get("parameters").asLong() - lora1.get("parameters").asLong()).isEqualTo(replica);
        assertThat(lora2.get("gradients").asLong() - lora1.get("gradients").asLong()).isEqualTo(replica);
        assertThat(lora2.get("optimizer_state").asLong() - lora1.get("optimizer_state").asLong())
                .isGreaterThanOrEqualTo(2 * replica);
        assertThat(user.get("lora")).containsOnly(0L);
        assertThat(user.get("cola-merged")).containsOnly(user.get("cola-merged")[0]);
        assertThat(user.get("cola-merged")[0]).isGreaterThan(perUser); // adapter state + received adaptation data
        byte[] png = Files.readAllBytes(dir.resolve("mem.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void commPayloadEqualsAnalytic(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("comm.json");
        run("bench", "comm", "--quick", "--json", f.toString());
        JsonNode rows = json(f, "comm");
        assertThat(rows.size()).isGreaterThanOrEqualTo(12).isEven();
        for (int i = 0; i < rows.size(); i += 2) {
            JsonNode f32 = rows.get(i), bf16 = rows.get(i + 1);
            assertThat(f32.get("dtype").asText()).isEqualTo("float32");
            assertThat(bf16.get("dtype").asText()).isEqualTo("bf16");
            for (JsonNode r : List.of(f32, bf16)) {
                assertPositive(r, "payload_bytes");
                assertPositive(r, "header_bytes");
                assertPositive(r, "encode_bytes_per_s");
                assertPositive(r, "decode_bytes_per_s");
                assertThat(r.get("payload_bytes").asLong()).as(r.toString())
                        .isEqualTo(r.get("analytic_bytes").asLong());
            }
            assertThat(2 * bf16.get("payload_bytes").asLong()).isEqualTo(f32.get("payload_bytes").asLong());
        }
        assertThat(rows.findValuesAsText("vary")).contains("batch", "seq", "sites");
    }

    @Test
    void allWritesEveryBenchmarkAndMarkdown(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("all.json"), md = dir.resolve("all.md");
        String out = run("bench", "all", "--quick", "--json", f.toString(), "--md", md.toString());
        JsonNode root = JsonFiles.MAPPER.readTree(f.toFile());
        assertThat(root.fieldNames()).toIterable().containsExactly("gemm", "ops", "step", "samediff", "memory", "comm");
        String text = Files.readString(md);
        assertThat(out).isEqualTo(text);
        assertThat(text).contains("Machine: nproc = ").contains("### step").contains("| method |").contains("### comm");
        assertThat(Files.exists(dir.resolve("all.png"))).isTrue();
    }

    @Test
    void stepMethodsSubsetAndUnknownMethodIsAUsageError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("step.json");
        run("bench", "step", "--quick", "--methods", "cola-merged", "--steps", "1", "--warmup", "0", "--json",
                f.toString());
        JsonNode rows = json(f, "step");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("method").asText()).isEqualTo("cola-merged");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(),
                err = new java.io.ByteArrayOutputStream();
        int code = cola4j.gl.app.cli.Main.run(new String[] {"bench", "step", "--quick", "--methods", "bogus"},
                new cola4j.gl.app.io.Io(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("bogus");
    }

    @Test
    void commHalvings() {
        assertThat(CommBench.halvings(32)).containsExactly(4, 8, 16, 32);
        assertThat(CommBench.halvings(2)).containsExactly(1, 2);
    }
}

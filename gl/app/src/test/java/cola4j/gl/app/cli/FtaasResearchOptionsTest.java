package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The research options of {@code cola ftaas}: {@code --aux embedding} (token-embedding sites), {@code --shapley}
 * (user Shapley values of merged-average) and their usage errors (exit 2, one line, before anything runs).
 */
class FtaasResearchOptionsTest {
    @Test
    void embeddingAuxiliaryOnTheTokenEmbedding(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "decoder", "--preset", "tiny", "--pretrain-steps", "4",
                "--users", "2", "--aux",
                "embedding", "--steps", "2", "--rows", "3", "--eval", "8", "--cache", dir.resolve("cache").toString(),
                "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("cola-embedding-unmerged");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("sites").toString()).isEqualTo("[\"embed.token\"]");
        JsonNode cola = root.get("methods").get(0);
        assertThat(cola.get("errors")).isEmpty();
        // 2 users × 3 rows × 11 tokens × (1 id + 16 dims) × 4 bytes: the id, not a one-hot row, travels
        assertThat(cola.get("down_payload_per_step").asDouble()).isEqualTo(2 * 3 * 11 * 17 * 4.0)
                .isEqualTo(cola.get("down_bytes_analytic").asDouble());
        // unmerged up: lora_embedding_A [8, vocab] + lora_embedding_B [16, 8] per user and step, as analysed
        assertThat(cola.get("up_payload_per_step").asDouble()).isEqualTo(cola.get("up_bytes_analytic").asDouble());
    }

    @Test
    void shapleyOfMergedAverageUsers(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("s.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "3",
                "--merged-average", "--shapley", "--steps", "3", "--rows", "4", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("user Shapley values (merged-average").contains("exact, 8 coalitions evaluated");
        JsonNode s = JsonFiles.MAPPER.readTree(Files.readString(json)).get("user_shapley");
        assertThat(s.get("exact").asBoolean()).isTrue();
        double sum = 0;
        for (String u : new String[] {"user-0", "user-1", "user-2"}) {
            sum += s.get("values").get(u).get("value").asDouble();
        }
        assertThat(sum).isCloseTo(s.get("v_all").asDouble() - s.get("v_none").asDouble(), within(1e-12));
    }

    @Test
    void compressedSessionWithItsUncompressedReference(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("c.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "2",
                "--compress", "topk:8", "--steps", "3", "--rows", "4", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("compression topk:8: down").contains("relative distance from uncompressed ColA");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        JsonNode c = root.get("compression"), cola = root.get("methods").get(0);
        assertThat(cola.get("method").asText()).isEqualTo("cola-lowrank-unmerged-topk:8");
        // digits MLP sites 64→128, 128→64, 64→10: c = 16, 16, 10 (2k ≥ 10: dense); 2 users × 4 rows × 4 bytes
        assertThat(cola.get("down_payload_per_step").asDouble()).isEqualTo(2 * 4 * 4.0 * (64 + 16 + 128 + 16 + 64 + 10))
                .isEqualTo(cola.get("down_bytes_analytic").asDouble());
        assertThat(c.get("reference_down_payload_per_step").asDouble())
                .isEqualTo(2 * 4 * 4.0 * (64 + 128 + 128 + 64 + 64 + 10));
        assertThat(c.get("parameter_relative_distance").asDouble()).isPositive();

        Path all = dir.resolve("all.json");                      // k = all: exact, so the same parameters
        MainTest.Result e = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "2",
                "--compress", "topk:128", "--steps", "3", "--rows", "4", "--json", all.toString());
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode ce = JsonFiles.MAPPER.readTree(Files.readString(all)).get("compression");
        assertThat(ce.get("parameter_relative_distance").asDouble()).isZero();
        assertThat(ce.get("mean_metric").asDouble()).isEqualTo(ce.get("reference_mean_metric").asDouble());
    }

    @Test
    void ledgerIsPrinted() {
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "2",
                "--merged", "--ledger", "--steps", "2", "--rows", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("who knows what").containsPattern("server +delta +12 ")
                .containsPattern("user-1 +hidden_gradient +6 ").doesNotContain("auxiliary_parameters")
                .contains("): PASS");
    }

    @Test
    void usageErrors() {
        String[][] cases = {
                {"--aux embedding needs a transformer model", "--aux", "embedding"},
                {"--shapley needs --merged-average", "--shapley"},
                {"--shapley-permutations needs --shapley", "--shapley-permutations", "10"},
                {"--shapley-permutations must be >= 2", "--merged-average", "--shapley", "--shapley-permutations",
                        "1"},
                {"--shapley-permutations must be <= 10000", "--merged-average", "--shapley",
                        "--shapley-permutations", "10001"},
                {"--shapley needs --transport inprocess", "--merged-average", "--shapley", "--transport", "grpc"},
                {"--compress: compress: topk needs a size in [1, 65536], got 0", "--compress", "topk:0"},
                {"--compress: compress: proj needs a size in [1, 65536], got 65537", "--compress", "proj:65537"},
                {"--compress: 'zip:4' is not none, topk:K or proj:M", "--compress", "zip:4"},
                {"--compress needs --transport inprocess", "--compress", "proj:4", "--transport", "grpc"},
                {"--compress needs --transfer-dtype float32", "--compress", "proj:4", "--transfer-dtype", "bf16"},
        };
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("ftaas", "--steps", "1"));
            args.addAll(java.util.Arrays.asList(c).subList(1, c.length));
            MainTest.Result r = MainTest.cola(args.toArray(String[]::new));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[0]).doesNotContain("Exception");
        }
    }
}

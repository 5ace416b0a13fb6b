package cola4j.gl.app.cli;

import cola4j.gl.app.io.JsonFiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola ftaas} on the tiny decoder preset, in-process (the base pretrains for 4 steps, {@code --pretrain-steps},
 * into a temp cache).
 */
class FtaasCommandTest {
    @Test
    void decoderTinyMergedPrintsTableAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "decoder", "--preset", "tiny", "--pretrain-steps", "4",
                "--users", "2", "--steps", "2", "--rows", "3", "--merged", "--eval", "8", "--cache",
                dir.resolve("cache").toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("user-0 shift (lowrank), user-1 cipher (lowrank)").contains("metric exact_match")
                .contains("11 token rows per example").contains("cola-lowrank-merged").contains("lora");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("token_rows_per_example").asInt()).isEqualTo(11);
        assertThat(root.get("sites")).hasSize(2);
        JsonNode cola = root.get("methods").get(0);
        // 2 users × 3 rows × 11 tokens × 4 sites × (C + C) × 4 bytes, C = 16 (Workloads.TINY_WIDTH)
        assertThat(cola.get("down_payload_per_step").asDouble()).isEqualTo(2 * 3 * 11 * 4 * 32 * 4.0)
                .isEqualTo(cola.get("down_bytes_analytic").asDouble());
    }

    /**
     * Per-user patterns on the digits MLP (base not pretrained: 0 steps, so the run takes seconds): users differ in
     * auxiliary, rank, interval, optimizer and lr; --json into directories that do not exist yet creates them.
     */
    @Test
    void mlpUsersWithTheirOwnRankIntervalOptimizerAndLr(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("new/sub/f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "4", "--aux",
                "lowrank~linear", "--rank", "4~8", "--interval", "1~2", "--optimizer", "sgd~adamw", "--lr", "0.1~0.02",
                "--steps", "2", "--rows", "2", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("users: user-0 lowrank r4 I1 sgd lr 0.1, user-1 linear I2 adamw lr 0.02, "
                        + "user-2 lowrank r4 I1 sgd lr 0.1, " + "user-3 linear I2 adamw lr 0.02")
                .contains("cola-lowrank~linear-unmerged");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("users").asInt()).isEqualTo(4);
        JsonNode specs = root.get("user_specs");
        assertThat(specs).hasSize(4);
        assertThat(specs.get(1).get("aux").asText()).isEqualTo("linear");
        assertThat(specs.get(2).get("rank").asInt()).isEqualTo(4);
        assertThat(specs.get(3).get("rank").asInt()).isEqualTo(8);
        assertThat(specs.get(1).get("interval").asInt()).isEqualTo(2);
        assertThat(specs.get(0).get("optimizer").asText()).isEqualTo("sgd");
        assertThat(specs.get(3).get("optimizer").asText()).isEqualTo("adamw");
        assertThat(specs.get(0).get("lr").asDouble()).isEqualTo(0.1);
        JsonNode cola = root.get("methods").get(0);
        assertThat(cola.get("errors")).isEmpty();
        // unmerged, 2 steps: users 0 and 2 (I = 1) upload after both steps, users 1 and 3 (I = 2) once
        assertThat(cola.get("up_payload_per_step").asDouble()).isPositive()
                .isEqualTo(cola.get("up_bytes_analytic").asDouble());
        assertThat(root.get("methods").get(1).get("method").asText()).isEqualTo("lora");
    }

    @Test
    void badPatternsAreUsageErrorsBeforeAnythingRuns() {
        String[][] cases = {
                {"--rank", "4~x", "--rank: entry 'x' of '4~x' is not an integer"},
                {"--interval", "1~0", "--interval: entry 0 of '1~0' must be >= 1"},
                {"--optimizer", "sgd~rmsprop", "--optimizer: optimizer 'rmsprop' is not one of [sgd, adam, adamw]"},
                {"--lr", "0.1~", "--lr: '0.1~' has an empty entry (use v1~v2~...)"},
                {"--aux", "lowrank~conv", "--aux: aux 'conv' is not one of [lowrank, linear, mlp, embedding]"},
        };
        for (String[] c : cases) {
            MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--steps", "1", c[0], c[1]);
            assertThat(r.code()).as(c[0] + " " + c[1]).isEqualTo(2);
            assertThat(r.err()).startsWith("cola ftaas: " + c[2] + "\n").doesNotContain("done in")
                    .doesNotContain("Exception");
            // the message and the --help hint
            assertThat(r.err().lines()).hasSize(2);
        }
    }

    @Test
    void unwritableJsonFailsBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        MainTest.Result blocked = MainTest.cola("ftaas", "--model", "mlp", "--steps", "1", "--json",
                file.resolve("f.json").toString());
        assertThat(blocked.code()).isEqualTo(2);
        assertThat(blocked.err()).startsWith("cola ftaas: --json: cannot create directory " + file.toAbsolutePath())
                .doesNotContain("done in");
        MainTest.Result directory = MainTest.cola("ftaas", "--model", "mlp", "--steps", "1", "--json", dir.toString());
        assertThat(directory.code()).isEqualTo(2);
        assertThat(directory.err()).startsWith("cola ftaas: --json: " + dir + " is a directory")
                .doesNotContain("done in");
        try (var left = Files.list(dir)) {
            assertThat(left).as("no probe file left behind").containsExactly(file);
        }
    }

    @Test
    void helpSaysHowPatternsAndJsonBehave() {
        MainTest.Result r = MainTest.cola("ftaas", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out().replaceAll("\\s+", " ")).as("help, line wrapping undone").contains("--optimizer")
                .contains("sgd, adam, adamw").contains("--rank <R[~R...]>").contains("--interval <I[~I...]>")
                .contains("v1~v2~...").contains("missing parent directories are created");
    }

    @Test
    void rejectsSitesThatMatchNothing(@TempDir Path dir) {
        MainTest.Result r = MainTest.cola("ftaas", "--model", "decoder", "--preset", "tiny", "--sites", "attn.nope",
                "--steps", "1", "--cache", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("attn.nope");
    }
}

package cola4j.gl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cola ftaas} on the tiny decoder preset, in-process (the base pretrains for the tiny preset's 4 steps into a temp cache). */
class FtaasCommandTest {
    @Test
    void decoderTinyMergedPrintsTableAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "decoder", "--preset", "tiny", "--users", "2", "--steps", "2", "--rows", "3", "--merged",
                "--eval", "8", "--cache", dir.resolve("cache").toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("user-0 shift (lowrank), user-1 cipher (lowrank)").contains("metric exact_match").contains("11 token rows per example")
                .contains("cola-lowrank-merged").contains("lora");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("token_rows_per_example").asInt()).isEqualTo(11);
        assertThat(root.get("sites")).hasSize(2);
        JsonNode cola = root.get("methods").get(0);
        // 2 users × 3 rows × 11 tokens × 4 sites × (8 + 8) × 4 bytes
        assertThat(cola.get("down_payload_per_step").asDouble()).isEqualTo(2 * 3 * 11 * 4 * 16 * 4.0).isEqualTo(cola.get("down_bytes_analytic").asDouble());
    }

    @Test
    void rejectsSitesThatMatchNothing(@TempDir Path dir) {
        MainTest.Result r = MainTest.cola("ftaas", "--model", "decoder", "--preset", "tiny", "--sites", "attn.nope", "--steps", "1", "--cache", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("attn.nope");
    }
}

package cola4j.gl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cola copra} end to end on the tiny mlp preset, in-process. */
class CopraCommandTest {
    @Test
    void printsTableAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("c.json");
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "flip,invert", "--seeds", "2", "--steps", "5",
                "--eval", "40", "--cache", dir.resolve("cache").toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("merged:ties").contains("pruned:only_head").contains("pruned:middle_third").contains("shapley spread").contains(" ± ");
        JsonNode rows = JsonFiles.MAPPER.readTree(Files.readString(json)).get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("progressive").asBoolean()).isFalse();
        assertThat(rows.get(1).get("progressive").asBoolean()).isTrue();
        for (JsonNode row : rows) {
            assertThat(row.get("method").asText()).isEqualTo("lora");
            double single = row.get("single").get("mean").asDouble();
            assertThat(single).isBetween(0.0, 1.0);
            assertThat(row.get("merged").get("linear").get("std").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(row.get("shapley")).hasSize(2);   // tiny mlp: layers.0 and head (one layer: middle third = layer 0, every_other empty)
        }
    }

    @Test
    void rejectsUnknownTask(@TempDir Path dir) {
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "nope", "--cache", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown task 'nope'");
    }
}

package cola4j.gl.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola bench comm --compress topk:K,proj:M}: every pass gets one row per codec whose payload equals the
 * analytic Σ_sites rows·(in + c)·4 exactly and is smaller than the float32 message of the same pass.
 */
class CommCompressionTest {
    @Test
    void compressedRowsMatchTheFormulaAndAreSmaller(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("comm.json");
        String table = BenchCommandsTest.run("bench", "comm", "--quick", "--compress", "topk:2,proj:4", "--json",
                json.toString());
        assertThat(table).contains("topk:2").contains("proj:4").doesNotContain(" NO");
        JsonNode rows = JsonFiles.MAPPER.readTree(json.toFile()).get("comm");
        Map<String, Long> dense = new HashMap<>();
        int compressed = 0;
        for (JsonNode r : rows) {
            String key = r.get("vary").asText() + r.get("batch") + "/" + r.get("seq") + "/" + r.get("sites");
            String dtype = r.get("dtype").asText();
            if (dtype.equals("float32")) dense.put(key, r.get("payload_bytes").asLong());
            if (dtype.startsWith("topk") || dtype.startsWith("proj")) {
                compressed++;
                assertThat(r.get("payload_bytes").asLong()).isEqualTo(r.get("analytic_bytes").asLong())
                        .isLessThan(dense.get(key));
            }
        }
        assertThat(compressed).isEqualTo(2 * rows.size() / 4);
    }
}

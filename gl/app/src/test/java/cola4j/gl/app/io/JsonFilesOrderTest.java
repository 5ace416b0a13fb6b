package cola4j.gl.app.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StableMaps} on {@link JsonFiles#MAPPER}: unordered maps sorted, ordered ones kept, nested ones too. */
class JsonFilesOrderTest {
    record Doc(@JsonProperty("z") int z, @JsonProperty("m") Map<String, Object> m) {}

    @Test
    void unorderedMapsAreWrittenSortedAndOrderedOnesAsTheyIterate() throws Exception {
        Map<String, Object> unordered = Map.of("users", 1, "step_ms", 2, "alpha", 3, "kind", 4, "beta", 5);
        assertThat(JsonFiles.MAPPER.writeValueAsString(unordered).replaceAll("\\s", ""))
                .isEqualTo("{\"alpha\":3,\"beta\":5,\"kind\":4,\"step_ms\":2,\"users\":1}");
        HashMap<String, Object> hash = new HashMap<>(unordered);
        assertThat(JsonFiles.MAPPER.writeValueAsString(hash))
                .isEqualTo(JsonFiles.MAPPER.writeValueAsString(unordered));

        LinkedHashMap<String, Object> chosen = new LinkedHashMap<>();
        chosen.put("gemm", 1);
        chosen.put("ops", 2);
        chosen.put("comm", 3);
        assertThat(JsonFiles.MAPPER.writeValueAsString(chosen).replaceAll("\\s", ""))
                .isEqualTo("{\"gemm\":1,\"ops\":2,\"comm\":3}");

        // inside a record and a list: the record keeps component order, the nested Map.of is sorted
        String nested = JsonFiles.MAPPER.writeValueAsString(List.of(new Doc(1, Map.of("b", 2, "a", 1, "c", 3))))
                .replaceAll("\\s", "");
        assertThat(nested).isEqualTo("[{\"z\":1,\"m\":{\"a\":1,\"b\":2,\"c\":3}}]");
    }
}

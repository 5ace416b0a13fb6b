package cola4j.gl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cola verify} and {@code cola explain} end to end, in-process. */
class VerifyExplainCommandTest {
    @Test
    void verifyPassesAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("v.json");
        MainTest.Result r = MainTest.cola("verify", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("all 17 checks pass (float64)");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("propositions")).hasSize(17);
        for (JsonNode p : root.get("propositions")) {
            assertThat(p.get("pass").asBoolean()).isTrue();
            assertThat(p.get("max_rel").asDouble()).isLessThanOrEqualTo(1e-10);
        }
    }

    @Test
    void explainPrintsEveryStepAndGlEqualsBackprop() {
        for (String aux : new String[] {"lowrank", "linear", "mlp"}) {
            MainTest.Result r = MainTest.cola("explain", "--aux", aux, "--site", "blocks.1.mlp.fc1");
            assertThat(r.code()).as(r.err()).isZero();
            for (int step = 1; step <= 6; step++) assertThat(r.out()).contains("\n" + step + ". ");
            Matcher m = Pattern.compile("largest relative difference: ([0-9.e+-]+)").matcher(r.out());
            assertThat(m.find()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isLessThan(1e-10);
        }
    }

    @Test
    void explainRejectsUnknownSite() {
        MainTest.Result r = MainTest.cola("explain", "--site", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown site 'nope'").contains("blocks.0.attn.query");
    }
}

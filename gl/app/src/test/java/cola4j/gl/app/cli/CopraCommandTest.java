package cola4j.gl.app.cli;

import cola4j.gl.app.io.JsonFiles;

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
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "flip,invert",
                "--seeds", "2", "--steps", "5", "--eval", "40", "--cache", dir.resolve("cache").toString(), "--json",
                json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("merged:ties").contains("pruned:only_head").contains("pruned:middle_third")
                .contains("shapley spread").contains(" ± ");
        JsonNode rows = JsonFiles.MAPPER.readTree(Files.readString(json)).get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("progressive").asBoolean()).isFalse();
        assertThat(rows.get(1).get("progressive").asBoolean()).isTrue();
        for (JsonNode row : rows) {
            assertThat(row.get("method").asText()).isEqualTo("lora");
            double single = row.get("single").get("mean").asDouble();
            assertThat(single).isBetween(0.0, 1.0);
            assertThat(row.get("merged").get("linear").get("std").asDouble()).isGreaterThanOrEqualTo(0);
            // tiny mlp: layers.0 and head (one layer: middle third = layer 0, every_other empty)
            assertThat(row.get("shapley")).hasSize(2);
            // the patterns that remove nothing with one layer are named, not silently dropped
            assertThat(row.get("pruned").fieldNames()).toIterable().containsExactly("middle_third", "only_head");
            assertThat(row.get("pruned_skipped")).extracting(JsonNode::asText)
                    .containsExactly("every_other", "lower_third", "upper_third");
            assertThat(row.has("mb_sent")).as("LoRA sends no adaptation data").isFalse();
        }
        assertThat(r.err()).contains("pruned: every_other removes nothing with 1 layer group; skipped")
                .contains("pruned: lower_third removes nothing with 1 layer group; skipped")
                .contains("pruned: upper_third removes nothing with 1 layer group; skipped")
                .doesNotContain("pruned: middle_third");
        JsonNode base = JsonFiles.MAPPER.readTree(Files.readString(json)).get("base_pretrain");
        assertThat(base.get("metric").asText()).isEqualTo("accuracy");
        assertThat(base.get("held_out").asDouble()).isBetween(0.0, 1.0);
    }

    /**
     * ColA with one seed: no std anywhere ('–' in the table, null in JSON); the progressive row reports the MB saved.
     */
    @Test
    void colaOneSeedPrintsNoStdAndReportsMegabytesSaved(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("c.json");
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "flip", "--method",
                "cola", "--seeds", "1", "--steps", "5", "--eval", "40", "--cache", dir.resolve("cache").toString(),
                "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("MB sent").contains("MB saved").contains(" –").doesNotContain("±");
        JsonNode rows = JsonFiles.MAPPER.readTree(Files.readString(json)).get("rows");
        JsonNode plain = rows.get(0), prog = rows.get(1);
        assertThat(plain.get("single").get("std").isNull()).isTrue();
        assertThat(plain.get("single").get("mean").asDouble()).isBetween(0.0, 1.0);
        assertThat(plain.get("shapley_std").isNull()).isTrue();
        assertThat(plain.has("mb_saved")).isFalse();
        double sentPlain = plain.get("mb_sent").get("mean").asDouble(),
                sentProg = prog.get("mb_sent").get("mean").asDouble();
        assertThat(sentPlain).isGreaterThan(0);
        assertThat(prog.get("mb_saved").get("mean").asDouble()).as("plain − progressive, same seed")
                .isCloseTo(sentPlain - sentProg, org.assertj.core.api.Assertions.within(1e-9)).isGreaterThan(0);
        assertThat(prog.get("mb_saved").get("std").isNull()).isTrue();
    }

    @Test
    void rejectsEmptyAndDuplicateTasks(@TempDir Path dir) {
        for (String[] c : new String[][] {{",", "empty task name in ','"}, {"flip,", "empty task name in 'flip,'"},
                {"flip,flip", "task 'flip' given twice in 'flip,flip'"}}) {
            MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", c[0], "--cache",
                    dir.toString());
            assertThat(r.code()).as("--tasks " + c[0]).isEqualTo(2);
            assertThat(r.err()).contains("--tasks: " + c[1]);
        }
    }

    @Test
    void rejectsUnknownTask(@TempDir Path dir) {
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "nope", "--cache",
                dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown task 'nope'");
    }

    /** PEFT's sparsifying merges are columns of the table and keys of the JSON, with density and majority sign. */
    @Test
    void sparseMergesUseDensityAndMajoritySign(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("c.json");
        MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", "--tasks", "flip,invert",
                "--seeds", "1", "--steps", "5", "--eval", "40", "--density", "0.3", "--majority-sign", "frequency",
                "--cache", dir.resolve("cache").toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("merged:magnitude_prune").contains("merged:dare_linear")
                .contains("merged:dare_ties");
        JsonNode doc = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(doc.get("config").get("tiesDensity").asDouble()).isEqualTo(0.3);
        assertThat(doc.get("config").get("majoritySign").asText()).isEqualTo("frequency");
        for (String k : new String[] {"magnitude_prune", "dare_linear", "dare_ties"}) {
            assertThat(doc.get("rows").get(0).get("merged").get(k).get("mean").asDouble()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void rejectsBadDensityAndMajoritySign(@TempDir Path dir) {
        String[][] bad = {{"--density", "0", "--density must be in (0, 1], got 0.0"},
                {"--density", "1.5", "--density must be in (0, 1], got 1.5"},
                {"--density", "x", "--density: 'x' is not a finite number"},
                {"--majority-sign", "mean", "--majority-sign: 'mean' is not one of total, frequency"}};
        for (String[] c : bad) {
            MainTest.Result r = MainTest.cola("copra", "--model", "mlp", "--preset", "tiny", c[0], c[1], "--cache",
                    dir.toString());
            assertThat(r.code()).as(c[0] + " " + c[1]).isEqualTo(2);
            assertThat(r.err()).contains(c[2]);
        }
    }
}

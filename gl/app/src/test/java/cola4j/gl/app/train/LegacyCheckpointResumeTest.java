package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola train --resume} of checkpoints written before the newer {@link TrainConfig} fields
 * ({@link LegacyConfigFields}): a checkpoint of this version (tiny MLP, cola, interval 2, stopped at step 4 of 8) has
 * the fields an older writer did not know removed from its training_state.json, and its manifest rewritten as that
 * writer (manifest format 1, present since 4b85b9e) would have; the resume then ends byte-identical to an
 * uninterrupted run of this version. An edited legacy file whose manifest was not rewritten, and a legacy file missing
 * a field that every version wrote, are still refused with one line.
 */
class LegacyCheckpointResumeTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static Path good, straight;

    static CheckpointCorruptionTest.Result cola(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cache", shared.resolve("cache").toString(), "--quiet"));
        return CheckpointCorruptionTest.run(all);
    }

    @BeforeAll
    static void runs() {
        good = shared.resolve("good");
        straight = shared.resolve("straight");
        CheckpointCorruptionTest.trainStoppedAndStraight(LegacyCheckpointResumeTest::cola, good, straight);
    }

    /** A copy of the stopped run with the config fields of {@code fields} (comma-separated) removed. */
    Path legacyCopy(String fields, boolean reseal) throws IOException {
        Path run = tmp.resolve("run");
        try (Stream<Path> s = Files.walk(good)) {
            for (Path p : s.toList()) {
                Path d = run.resolve(good.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(d);
                else Files.copy(p, d);
            }
        }
        Path ck = run.resolve(TrainState.DIR), json = ck.resolve(TrainState.JSON);
        ObjectNode st = (ObjectNode) JsonFiles.MAPPER.readTree(json.toFile());
        ObjectNode cfg = (ObjectNode) st.get("config");
        for (String f : fields.split(",")) {
            assertThat(cfg.has(f)).as("this version writes " + f).isTrue();
            cfg.remove(f);
        }
        Files.write(json, JsonFiles.MAPPER.writeValueAsBytes(st));
        if (reseal) CheckpointManifest.write(ck);
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // 4b85b9e: the first checkpoints with a manifest (22 config fields)
        "fit_epochs,fit_batch,staleness,lora_variant,adalora,virtual_tokens,prefix_hidden",
        // 501a466 .. 3c64fbf: fit epochs and staleness, no LoRA variant
        "lora_variant,adalora,virtual_tokens,prefix_hidden",
        // 3c64fbf: the LoRA variant, no AdaLoRA settings or virtual tokens
        "adalora,virtual_tokens,prefix_hidden"})
    void anOlderCheckpointResumesToTheUninterruptedRun(String removed) throws IOException {
        Path run = legacyCopy(removed, true);
        TrainState read = TrainState.read(run);
        assertThat(read.config()).isEqualTo(TrainState.read(good).config());
        CheckpointCorruptionTest.Result i = CheckpointCorruptionTest.run(List.of("inspect", run.toString()));
        assertThat(i.code()).as(i.err()).isZero();
        CheckpointCorruptionTest.Result r = cola("train", "--resume", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("at step 4");
        CheckpointCorruptionTest.assertSameCheckpoint(straight.resolve(TrainState.DIR), run.resolve(TrainState.DIR));
        assertThat(Files.readString(run.resolve(MetricsLog.CSV)))
                .isEqualTo(Files.readString(straight.resolve(MetricsLog.CSV)));
    }

    @Test
    void anOlderCheckpointEditedAfterItsManifestIsRefused() throws IOException {
        Path run = legacyCopy("lora_variant,adalora,virtual_tokens,prefix_hidden", false);
        CheckpointCorruptionTest.assertRefused(cola("train", "--resume", run.toString()), "training_state.json");
    }

    @Test
    void aFieldEveryVersionWroteIsStillRequired() throws IOException {
        Path run = legacyCopy("staleness,seed", true);
        CheckpointCorruptionTest.assertRefused(cola("train", "--resume", run.toString()), "seed");
    }
}

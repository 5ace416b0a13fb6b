package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.workload.PretrainCache;
import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digits MLP base in the pretraining cache: trained once, then loaded bit-identically; a broken entry retrains. */
class DigitsPretrainCacheTest {
    private static final int[] HIDDEN = {8};

    @Test
    void secondCallLoadsTheSameWeightsWithoutTraining(@TempDir Path dir) throws Exception {
        PretrainCache cache = new PretrainCache(dir);
        AtomicInteger steps = new AtomicInteger();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        MlpClassifier first = DigitsPretrainCache.pretrain(cache, new DigitsFamily(), HIDDEN, DType.FLOAT32, 5, 2e-3,
                7, s -> steps.incrementAndGet(), ps);
        assertThat(steps.get()).isEqualTo(5);
        Path entry = DigitsPretrainCache.entry(cache, HIDDEN, DType.FLOAT32, 5, 2e-3, 7);
        assertThat(entry.getFileName().toString()).startsWith("digits-mlp-8-float32-seed7-");
        assertThat(Files.isRegularFile(entry.resolve("model.safetensors"))).isTrue();
        MlpClassifier fresh = DigitsPretraining.pretrain(new DigitsFamily(), HIDDEN, DType.FLOAT32, 5, 2e-3, 7, null);
        MlpClassifier second = DigitsPretrainCache.pretrain(cache, new DigitsFamily(), HIDDEN, DType.FLOAT32, 5, 2e-3,
                7, s -> steps.incrementAndGet(), ps);
        assertThat(steps.get()).as("a cache hit does not train").isEqualTo(5);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("loaded pretrained digits mlp from " + entry);
        for (var e : fresh.namedParameters().entrySet()) {
            float[] want = e.getValue().value().toFloatArray();
            assertThat(first.namedParameters().get(e.getKey()).value().toFloatArray()).containsExactly(want);
            assertThat(second.namedParameters().get(e.getKey()).value().toFloatArray()).containsExactly(want);
        }
        assertThat(DigitsPretrainCache.entry(cache, HIDDEN, DType.FLOAT32, 6, 2e-3, 7)).isNotEqualTo(entry);
        assertThat(DigitsPretrainCache.entry(cache, HIDDEN, DType.FLOAT32, 5, 1e-3, 7)).isNotEqualTo(entry);
        assertThat(DigitsPretrainCache.entry(cache, HIDDEN, DType.FLOAT32, 5, 2e-3, 8)).isNotEqualTo(entry);

        Files.writeString(entry.resolve("model.safetensors"), "garbage");
        MlpClassifier third = DigitsPretrainCache.pretrain(cache, new DigitsFamily(), HIDDEN, DType.FLOAT32, 5, 2e-3,
                7, s -> steps.incrementAndGet(), ps);
        assertThat(steps.get()).as("an unusable entry is retrained").isEqualTo(10);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("is unusable");
        var w = fresh.namedParameters().values().iterator().next().value().toFloatArray();
        assertThat(third.namedParameters().values().iterator().next().value().toFloatArray()).containsExactly(w);
    }
}

package cola4j.tests.hf;

import cola4j.models.hf.HfInputs;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The golden fixtures written by {@code tests/src/test/resources/hf/make_fixtures.py} (an independent float64 torch
 * implementation of transformers' GPT-2, BERT, RoBERTa and BART): each directory holds config.json,
 * model.safetensors and expected.safetensors (the batch, logits, loss and one SGD step of LoRA).
 */
final class HfFixtures {
    private HfFixtures() {}

    static final List<String> NAMES = List.of("gpt2", "bert", "roberta", "bart");

    /** The fixture directory of {@code name} on the test classpath. */
    static Path dir(String name) {
        try {
            return Path.of(HfFixtures.class.getResource("/hf/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SafetensorsFile expected(String name) throws IOException {
        return Safetensors.read(dir(name).resolve("expected.safetensors"));
    }

    /** The fixture batch as {@link HfInputs} (ids stored as exact float64 values). */
    static HfInputs inputs(Map<String, Tensor> e) {
        return new HfInputs(ints(e.get("input_ids")), ints(e.get("attention_mask")), ints(e.get("token_type_ids")),
                ints(e.get("decoder_input_ids")), ints(e.get("labels")));
    }

    static int[][] ints(Tensor t) {
        if (t == null) return null;
        int rows = t.shape()[0], cols = t.shape()[1];
        int[][] r = new int[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[i][j] = (int) t.get(i, j);
        return r;
    }

    /** max |a − b| / max |b|: the error relative to the reference's scale. */
    static double relErr(Tensor a, Tensor b) {
        return a.maxAbsDiff(b) / b.maxAbs();
    }
}

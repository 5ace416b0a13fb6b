package cola4j.gl.app.train;

import cola4j.models.ModelCheckpoint;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full fine-tuning of an {@code hf:DIR} model: {@code model/} is a Hugging Face model directory again, the base's
 * {@code config.json} and a {@code model.safetensors} with every parameter under its checkpoint name in the run's
 * dtype, GPT-2's Conv1D weights transposed back to their stored [in, out] ({@link HfModel#conv1dWeights()}), so
 * transformers (and {@link HfLoader}) read it as they read the base.
 */
final class HfFullCheckpoint {
    private HfFullCheckpoint() {}

    /** Writes {@code dir} (created) from the model and the base directory's config.json. */
    static void save(Path dir, HfModel m, Path baseDir) throws IOException {
        Files.createDirectories(dir);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> t.put(k, m.conv1dWeights().contains(k)
                ? v.value().transpose(0, 1).copy() : v.value()));
        Safetensors.write(dir.resolve(HfLoader.WEIGHTS_FILE), t, Map.of("format", "pt"));
        Files.copy(baseDir.resolve(HfLoader.CONFIG_FILE), dir.resolve(HfLoader.CONFIG_FILE),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads {@code dir} (written by {@link #save}) into {@code m}: names, shapes and dtypes must match. */
    static void load(Path dir, HfModel m) throws IOException {
        HfModel stored = HfLoader.load(dir, m.config().dtype()).model();
        LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
        stored.namedParameters().forEach((k, v) -> w.put(k, v.value()));
        ModelCheckpoint.loadWeights(m, w);
    }
}

package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save/load round trips, strict config parsing, weight-name/shape checks and corrupt files. */
class ModelCheckpointTest {
    @TempDir
    Path tmp;

    static List<Model> models(DType dtype) {
        return List.of(new EncoderClassifier(EncoderClassifierConfig.tiny().withDtype(dtype), new Rng(3)),
                new DecoderLM(DecoderLMConfig.tiny().withDtype(dtype), new Rng(3)),
                new EncoderDecoder(EncoderDecoderConfig.tiny().withDtype(dtype), new Rng(3)),
                new MlpClassifier(MlpClassifierConfig.tiny().withDtype(dtype), new Rng(3)));
    }

    @Test
    void roundTripIsBitExactForEveryFamilyAndDtype() throws IOException {
        for (DType dtype : DType.values()) {
            for (Model m : models(dtype)) {
                // perturb so that the loaded weights cannot come from re-initialization with the same seed
                m.namedParameters().values()
                        .forEach(p -> p.value().addInPlace(Tensor.full(p.value().dtype(), 0.125, p.shape()), 1.0));
                Path dir = tmp.resolve(ModelCheckpoint.family(m) + "-" + dtype);
                ModelCheckpoint.save(m, dir);
                Model back = ModelCheckpoint.load(dir);
                assertThat(back.getClass()).isEqualTo(m.getClass());
                assertThat(ModelCheckpoint.config(back)).isEqualTo(ModelCheckpoint.config(m));
                assertThat(back.namedParameters().keySet()).containsExactlyElementsOf(m.namedParameters().keySet());
                m.namedParameters().forEach((name, p) ->
                        assertThat(back.namedParameters().get(name).value().bitEquals(p.value())).as(name).isTrue());
                // the file is keyed by parameter names, in parameter order
                assertThat(Safetensors.read(dir.resolve(ModelCheckpoint.WEIGHTS_FILE)).tensors().keySet())
                        .containsExactlyElementsOf(m.namedParameters().keySet());
            }
        }
    }

    @Test
    void configJsonHasFamilyAndRecordFields() throws IOException {
        Model m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        ModelCheckpoint.save(m, tmp.resolve("d"));
        String json = Files.readString(tmp.resolve("d").resolve(ModelCheckpoint.CONFIG_FILE));
        assertThat(json).contains("\"family\" : \"decoder\"", "\"vocabSize\" : 11", "\"dtype\" : \"FLOAT64\"");
        assertThat(ModelCheckpoint.parseConfig(json)).isEqualTo(DecoderLMConfig.tiny());
        assertThat(ModelCheckpoint.parseConfig(
                        ModelCheckpoint.configJson(new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(1)))))
                .isEqualTo(MlpClassifierConfig.tiny());
    }

    @Test
    void saveOverwritesAtomicallyAndLeavesNoTemporaries() throws IOException {
        Path dir = tmp.resolve("ckpt");
        ModelCheckpoint.save(new DecoderLM(DecoderLMConfig.tiny(), new Rng(1)), dir);
        DecoderLM second = new DecoderLM(DecoderLMConfig.tiny(), new Rng(2));
        ModelCheckpoint.save(second, dir);
        DecoderLM back = ModelCheckpoint.load(dir, DecoderLM.class);
        assertThat(back.namedParameters().get("lm_head.weight").value().bitEquals(
                second.namedParameters().get("lm_head.weight").value())).isTrue();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("ckpt");
        }
        assertThatThrownBy(() -> ModelCheckpoint.load(dir, MlpClassifier.class)).isInstanceOf(IOException.class)
                .hasMessageContaining("decoder model, not a MlpClassifier");
    }

    /**
     * The checkpoint directory and its files get the modes of a plain new directory / file made beside them (the
     * umask applied to 0777 / 0666), not the owner-only 0700 of a JDK temporary directory it is renamed from.
     */
    @Test
    void savedCheckpointHasPlainPermissions() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault()
                .supportedFileAttributeViews().contains("posix"));
        Path dir = tmp.resolve("perm");
        ModelCheckpoint.save(new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(1)), dir);
        ModelCheckpoint.save(new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(2)), dir); // the replacing path too
        var dirMode = Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("ref-dir")));
        var fileMode = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("ref-file")));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dirMode.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ), "umask denies group read");
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(dirMode);
        assertThat(Files.getPosixFilePermissions(dir.resolve(ModelCheckpoint.CONFIG_FILE))).isEqualTo(fileMode);
        assertThat(Files.getPosixFilePermissions(dir.resolve(ModelCheckpoint.WEIGHTS_FILE))).isEqualTo(fileMode);
    }

    @Test
    void aCrashBetweenTheTwoRenamesLeavesThePreviousCheckpointRecoverable() throws IOException {
        Path dir = tmp.resolve("ckpt");
        DecoderLM first = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        ModelCheckpoint.save(first, dir);
        // the state save() leaves if the process dies after renaming dir aside and before renaming the new one in:
        // dir missing, the previous checkpoint in .ckpt.old-<n>, the new one (here: a partial one) in .ckpt.tmp-<x>
        Path old = tmp.resolve(".ckpt.old-12345");
        Files.move(dir, old);
        Files.createDirectories(tmp.resolve(".ckpt.tmp-crashed"));
        Files.writeString(tmp.resolve(".ckpt.tmp-crashed").resolve(ModelCheckpoint.CONFIG_FILE), "{");
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing config.json").hasMessageContaining(old.toString())
                .hasMessageContaining("ModelCheckpoint.recover");

        assertThat(ModelCheckpoint.recover(dir)).isTrue();
        assertThat(old).doesNotExist();
        DecoderLM back = ModelCheckpoint.load(dir, DecoderLM.class);
        first.namedParameters().forEach((k, v) ->
                assertThat(back.namedParameters().get(k).value().bitEquals(v.value())).as(k).isTrue());
        assertThat(ModelCheckpoint.recover(dir)).as("nothing left to recover").isFalse();

        // save() restores such a leftover before replacing it, so no .old- directory survives it
        Files.move(dir, old);
        DecoderLM second = new DecoderLM(DecoderLMConfig.tiny(), new Rng(2));
        ModelCheckpoint.save(second, dir);
        assertThat(ModelCheckpoint.load(dir, DecoderLM.class).namedParameters().get("lm_head.weight").value()
                .bitEquals(second.namedParameters().get("lm_head.weight").value())).isTrue();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".old-")).toList()).isEmpty();
        }
    }

    @Test
    void nonFiniteWeightsAreRejectedNamingEveryTensor() throws IOException {
        for (DType dtype : DType.values()) {
            Model m = new MlpClassifier(MlpClassifierConfig.tiny().withDtype(dtype), new Rng(1));
            LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
            m.namedParameters().forEach((k, v) -> w.put(k, v.value().copy()));
            w.get("layers.0.weight").setFlat(7, Double.NaN);
            w.get("head.bias").setFlat(1, Double.POSITIVE_INFINITY);
            w.get("head.bias").setFlat(2, Double.NEGATIVE_INFINITY);
            Tensor before = m.namedParameters().get("layers.1.weight").value().copy();
            assertThatThrownBy(() -> ModelCheckpoint.loadWeights(m, w)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("non-finite weights")
                    .hasMessageContaining("layers.0.weight (NaN at flat index 7, 1 of 30 values non-finite)")
                    .hasMessageContaining("head.bias (Infinity at flat index 1, 2 of 3 values non-finite)")
                    .hasMessageNotContaining("layers.1.weight");
            // nothing was copied
            assertThat(m.namedParameters().get("layers.1.weight").value().bitEquals(before)).isTrue();

            // from a file: the error names the file and the tensor
            Path dir = tmp.resolve("nan-" + dtype);
            m.namedParameters().get("layers.1.bias").value().setFlat(0, Double.NaN);
            ModelCheckpoint.save(m, dir);
            assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(dir.resolve(ModelCheckpoint.WEIGHTS_FILE).toString())
                    .hasMessageContaining("layers.1.bias (NaN");
        }
    }

    @Test
    void unknownMissingOrInvalidConfigKeysAreClearErrors() throws IOException {
        Path dir = tmp.resolve("c");
        ModelCheckpoint.save(new DecoderLM(DecoderLMConfig.tiny(), new Rng(1)), dir);
        Path cfg = dir.resolve(ModelCheckpoint.CONFIG_FILE);
        String json = Files.readString(cfg);

        Files.writeString(cfg, json.replace("\"maxLen\"", "\"contextLength\""));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("config.json").hasMessageContaining("contextLength");

        Files.writeString(cfg, json.replace("\"family\" : \"decoder\"", "\"family\" : \"rnn\""));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown family 'rnn'").hasMessageContaining("seq2seq");

        Files.writeString(cfg, json.replace("\"heads\" : 2,", ""));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("heads");

        Files.writeString(cfg, json.replace("\"heads\" : 2", "\"heads\" : 3"));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not divisible by heads 3");

        // dtype is spelled as the Java enum constant (FLOAT32 / FLOAT64) in config.json;
        // the CLI's "float32" is rejected
        Files.writeString(cfg, json.replace("\"FLOAT64\"", "\"float64\""));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("float64").hasMessageContaining("FLOAT64");

        Files.writeString(cfg, "[1, 2]");
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("JSON object");

        Files.delete(cfg);
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing config.json");
    }

    @Test
    void weightMismatchListsMissingUnexpectedAndMismatchedInOneMessage() throws IOException {
        Model m = new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(1));
        LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> w.put(k, v.value().copy()));
        w.remove("head.bias");
        w.put("layers.0.weight", Tensor.zeros(DType.FLOAT64, 5, 7));
        w.put("layers.1.bias", Tensor.zeros(DType.FLOAT32, 4));
        w.put("extra.weight", Tensor.zeros(DType.FLOAT64, 2));
        Path dir = tmp.resolve("m");
        ModelCheckpoint.save(m, dir);
        Safetensors.write(dir.resolve(ModelCheckpoint.WEIGHTS_FILE), w, Map.of());
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing [head.bias]")
                .hasMessageContaining("unexpected [extra.weight]")
                .hasMessageContaining("layers.0.weight (file float64 [5, 7], model float64 [5, 6])")
                .hasMessageContaining("layers.1.bias (file float32 [4], model float64 [4])");
        // nothing was copied into the model on failure
        Tensor before = m.namedParameters().get("layers.0.bias").value().copy();
        assertThatThrownBy(() -> ModelCheckpoint.loadWeights(m, w)).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.namedParameters().get("layers.0.bias").value().bitEquals(before)).isTrue();
    }

    @Test
    void truncatedOrCorruptWeightsSurfaceTheSafetensorsException() throws IOException {
        Path dir = tmp.resolve("t");
        ModelCheckpoint.save(new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1)), dir);
        Path w = dir.resolve(ModelCheckpoint.WEIGHTS_FILE);
        byte[] good = Files.readAllBytes(w);

        Files.write(w, Arrays.copyOf(good, good.length - 5));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(w.toString())
                .satisfies(e -> assertThat(((SafetensorsException) e).kind())
                        .isIn(SafetensorsException.Kind.OFFSETS_OUT_OF_BOUNDS, SafetensorsException.Kind.TRUNCATED));

        Files.write(w, Arrays.copyOf(good, 4));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(SafetensorsException.class)
                .satisfies(e -> assertThat(((SafetensorsException) e).kind())
                        .isEqualTo(SafetensorsException.Kind.TRUNCATED));

        byte[] bad = good.clone();
        bad[9] = (byte) '#'; // inside the JSON header
        Files.write(w, bad);
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(SafetensorsException.class)
                .satisfies(e -> assertThat(((SafetensorsException) e).kind())
                        .isEqualTo(SafetensorsException.Kind.INVALID_JSON));

        Files.write(w, "not a checkpoint".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelCheckpoint.load(dir)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("safetensors");
    }

    @Test
    void loadedModelComputesTheSameLoss() throws IOException {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(5));
        ModelCheckpoint.save(m, tmp.resolve("lm"));
        DecoderLM back = ModelCheckpoint.load(tmp.resolve("lm"), DecoderLM.class);
        int[][] ids = {{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}};
        Var a = m.nextTokenLoss(ids, ForwardContext.eval()), b = back.nextTokenLoss(ids, ForwardContext.eval());
        assertThat(b.value().item()).isEqualTo(a.value().item());
    }
}

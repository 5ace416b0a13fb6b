package cola4j.tests.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradMode;
import cola4j.models.ForwardContext;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's errors (one each), its name normalizations and what it reports, on edited copies of the fixtures. */
class HfLoaderErrorsTest {
    @TempDir
    Path tmp;

    /** A copy of fixture {@code name} with its config and weights edited. */
    private Path copy(String name, Consumer<ObjectNode> config, Consumer<LinkedHashMap<String, Tensor>> weights)
            throws IOException {
        Path src = HfFixtures.dir(name), dst = tmp.resolve(name);
        Files.createDirectories(dst);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(src.resolve("config.json").toFile());
        config.accept(c);
        json.writeValue(dst.resolve("config.json").toFile(), c);
        LinkedHashMap<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(src.resolve("model.safetensors"))
                .tensors());
        weights.accept(w);
        Safetensors.write(dst.resolve("model.safetensors"), w, Map.of());
        return dst;
    }

    private static Tensor logits(HfModel m, String name) throws IOException {
        try (var g = GradMode.noGrad()) {
            return m.logits(HfFixtures.inputs(HfFixtures.expected(name).tensors()), ForwardContext.eval()).value();
        }
    }

    @Test
    void unknownModelTypeIsOneError() throws IOException {
        Path d = copy("gpt2", c -> c.put("model_type", "llama"), w -> { });
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported model_type 'llama' (supported: [gpt2, bert, roberta, bart])");
        Path d2 = copy("bert", c -> c.remove("model_type"), w -> { });
        assertThatThrownBy(() -> HfLoader.load(d2, DType.FLOAT64)).hasMessageContaining("no \"model_type\"");
    }

    @Test
    void missingTensorsAreListedInOneError() throws IOException {
        Path d = copy("gpt2", c -> { }, w -> {
            w.remove("h.1.mlp.c_fc.bias");
            w.remove("ln_f.weight");
        });
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 missing tensor(s) [transformer.h.1.mlp.c_fc.bias, transformer.ln_f.weight]");
    }

    @Test
    void shapeMismatchNamesTheTensorAndTheShapes() throws IOException {
        Path d = copy("gpt2", c -> c.put("n_inner", 32), w -> { });
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 shape mismatch(es)")
                .hasMessageContaining("h.0.mlp.c_fc.weight [16, 24] (config.json implies [16, 32])");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> HfLoader.load(tmp, DType.FLOAT64)).isInstanceOf(IOException.class)
                .hasMessage(tmp + ": no config.json");
        Path d = copy("bert", c -> { }, w -> { });
        Files.delete(d.resolve("model.safetensors"));
        Files.writeString(d.resolve("pytorch_model.bin"), "x");
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).isInstanceOf(IOException.class)
                .hasMessageContaining("no model.safetensors (found pytorch_model.bin");
        Files.writeString(d.resolve("model.safetensors.index.json"), "{}");
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).hasMessageContaining("sharded checkpoints");
    }

    @Test
    void nonFiniteWeightsAreRefused() throws IOException {
        Path d = copy("bart", c -> { }, w -> w.put("model.encoder.layers.0.fc1.bias",
                Tensor.full(DType.FLOAT32, Double.NaN, 24)));
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).hasMessageContaining("fc1.bias");
    }

    @Test
    void prefixesOldLayerNormNamesAndTiedCopiesLoadTheSameModel() throws IOException {
        Tensor ref = logits(HfLoader.load(HfFixtures.dir("gpt2"), DType.FLOAT64).model(), "gpt2");
        Path prefixed = copy("gpt2", c -> { }, w -> {
            LinkedHashMap<String, Tensor> p = new LinkedHashMap<>();
            w.forEach((k, v) -> p.put("transformer." + k, v));
            p.put("lm_head.weight", w.get("wte.weight"));
            p.put("transformer.h.0.attn.bias", Tensor.ones(DType.FLOAT32, 1, 1, 12, 12)); // a causal-mask buffer
            w.clear();
            w.putAll(p);
        });
        HfCheckpoint ck = HfLoader.load(prefixed, DType.FLOAT64);
        assertThat(logits(ck.model(), "gpt2").bitEquals(ref)).isTrue();
        assertThat(ck.unused()).containsExactly("transformer.h.0.attn.bias");

        Tensor bertRef = logits(HfLoader.load(HfFixtures.dir("bert"), DType.FLOAT64).model(), "bert");
        Path gamma = copy("bert", c -> { }, w -> {
            w.put("bert.embeddings.LayerNorm.gamma", w.remove("bert.embeddings.LayerNorm.weight"));
            w.put("bert.embeddings.LayerNorm.beta", w.remove("bert.embeddings.LayerNorm.bias"));
        });
        assertThat(logits(HfLoader.load(gamma, DType.FLOAT64).model(), "bert").bitEquals(bertRef)).isTrue();

        Tensor bartRef = logits(HfLoader.load(HfFixtures.dir("bart"), DType.FLOAT64).model(), "bart");
        Path tied = copy("bart", c -> { }, w -> {
            w.put("model.encoder.embed_tokens.weight", w.remove("model.shared.weight"));
            w.remove("lm_head.weight");
        });
        assertThat(logits(HfLoader.load(tied, DType.FLOAT64).model(), "bart").bitEquals(bartRef)).isTrue();
    }

    @Test
    void aMissingClassificationHeadIsInitializedAndReported() throws IOException {
        Path d = copy("roberta", c -> { }, w -> w.keySet().removeIf(k -> k.startsWith("classifier.")));
        HfCheckpoint ck = HfLoader.load(d, DType.FLOAT64, 7);
        assertThat(ck.initialized()).containsExactly("classifier.dense.weight", "classifier.dense.bias",
                "classifier.out_proj.weight", "classifier.out_proj.bias");
        Tensor w = ck.model().namedParameters().get("classifier.dense.weight").value();
        double rms = Math.sqrt(w.mul(w).sumAll() / w.numel());
        assertThat(rms).isBetween(0.015, 0.025); // N(0, initializer_range = 0.02)
        assertThat(ck.model().namedParameters().get("classifier.out_proj.bias").value().maxAbs()).isZero();
        Path partial = copy("bert", c -> { }, w2 -> w2.remove("classifier.bias"));
        assertThatThrownBy(() -> HfLoader.load(partial, DType.FLOAT64))
                .hasMessageContaining("1 missing tensor(s) [classifier.bias]");
    }

    @Test
    void sitesCarryTheHuggingFaceModuleNamesAndConv1dIsTransposed() throws IOException {
        HfModel m = HfLoader.load(HfFixtures.dir("gpt2"), DType.FLOAT64).model();
        assertThat(m.sites(SiteSelector.suffixes("c_attn")).stream().map(s -> s.name()))
                .containsExactly("transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn");
        assertThat(m.sites(SiteSelector.suffixes("c_attn").layers(1))).hasSize(1);
        Tensor file = Safetensors.read(HfFixtures.dir("gpt2").resolve("model.safetensors")).tensors()
                .get("h.0.attn.c_attn.weight"); // [in, out] = [16, 48]
        Tensor held = m.sites().get("transformer.h.0.attn.c_attn").weight(); // [out, in]
        assertThat(held.shape()).containsExactly(48, 16);
        assertThat(held.bitEquals(file.transpose(0, 1).to(DType.FLOAT64))).isTrue();
        assertThat(m.conv1dWeights()).contains("transformer.h.1.mlp.c_proj.weight").hasSize(8);
        HfModel bart = HfLoader.load(HfFixtures.dir("bart"), DType.FLOAT64).model();
        assertThat(bart.sites()).containsKeys("model.shared", "model.decoder.layers.1.encoder_attn.q_proj",
                "model.encoder.embed_positions");
        HfModel bert = HfLoader.load(HfFixtures.dir("bert"), DType.FLOAT64).model();
        assertThat(bert.sites(SiteSelector.suffixes("query", "value"))).hasSize(4);
        assertThat(bert.sites()).containsKeys("bert.encoder.layer.0.attention.output.dense", "bert.pooler.dense",
                "classifier");
    }

    @Test
    void float32LoadingAgreesWithFloat64() throws IOException {
        Tensor f64 = logits(HfLoader.load(HfFixtures.dir("bart"), DType.FLOAT64).model(), "bart");
        Tensor f32 = logits(HfLoader.load(HfFixtures.dir("bart"), DType.FLOAT32).model(), "bart");
        assertThat(f32.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(HfFixtures.relErr(f32.to(DType.FLOAT64), f64)).isLessThan(1e-5);
    }
}

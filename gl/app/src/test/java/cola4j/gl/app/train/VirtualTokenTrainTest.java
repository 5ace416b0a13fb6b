package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.ForwardContext;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --method prompt|prefix} through {@link MethodSetup} and {@link TrainLoop} on an untrained tiny base, float64:
 * only the virtual tokens change, the evaluation sees them, the same seed gives the same bytes, and the checkpoint
 * (PEFT's {@code prompt_embeddings}, the prefix's {@code prompt_encoder.*}) round-trips and refuses a derived tensor
 * that does not match its parameters.
 */
class VirtualTokenTrainTest {
    @TempDir
    Path tmp;

    static TrainConfig cfg(String family, String method, int n, int hidden) {
        return new TrainConfig(family, "tiny", DType.FLOAT64, 0, "rotate", TrainMethod.parse(method),
                AuxiliaryKind.LOWRANK, 8, 8, 1, false, List.of(), OptimizerKind.ADAMW, 1e-2, ScheduleKind.CONSTANT,
                0, 1.0, 4, 4, 7, 4, 16, 1, 0, 0, n, hidden);
    }

    static Map<String, double[]> values(Map<String, Var> m) {
        Map<String, double[]> v = new LinkedHashMap<>();
        m.forEach((k, x) -> v.put(k, x.value().toDoubleArray()));
        return v;
    }

    /** Trains 4 steps and writes the checkpoint under {@code out}; returns the setup. */
    MethodSetup train(Workload w, TrainConfig c, Path out) throws Exception {
        MethodSetup s = MethodSetup.create(w, c);
        new TrainLoop(w, s, w.downstream("rotate", 0), out, null, new PrintStream(new ByteArrayOutputStream()),
                false).run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 4);
        return s;
    }

    @Test
    void onlyTheVirtualTokensTrainAndTheEvaluationSeesThem() throws Exception {
        for (String family : List.of("decoder", "seq2seq")) {
            for (TrainConfig c : List.of(cfg(family, "prompt", 3, 0), cfg(family, "prefix", 2, 5),
                    cfg(family, "prefix", 2, 0))) {
                Workload w = Workloads.create(family, "tiny", DType.FLOAT64, 0);
                Map<String, double[]> base = values(w.model().namedParameters());
                MethodSetup s = MethodSetup.create(w, c);
                Map<String, double[]> before = values(s.trainedParameters());
                new TrainLoop(w, s, w.downstream("rotate", 0), null, null,
                        new PrintStream(new ByteArrayOutputStream()), false)
                        .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 4);
                String what = family + " " + c.method() + " H=" + c.prefixHidden();
                values(w.model().namedParameters()).forEach((k, v) -> assertThat(v).as(what + " " + k)
                        .containsExactly(base.get(k)));
                values(s.trainedParameters()).forEach((k, v) -> assertThat(v).as(what + " " + k)
                        .isNotEqualTo(before.get(k)));
                var task = w.downstream("rotate", 0);
                double with = w.evalLoss(task, 16, new Rng(Pretrainer.EVAL_SEED), s.evalContext());
                double without = w.evalLoss(task, 16, new Rng(Pretrainer.EVAL_SEED), ForwardContext.eval());
                assertThat(Math.abs(with - without)).as(what).isGreaterThan(1e-6);
            }
        }
    }

    @Test
    void sameSeedSameBytesAndTheCheckpointRoundTrips() throws Exception {
        TrainConfig c = cfg("decoder", "prefix", 2, 5);
        MethodSetup a = train(Workloads.create("decoder", "tiny", DType.FLOAT64, 0), c, tmp.resolve("a"));
        train(Workloads.create("decoder", "tiny", DType.FLOAT64, 0), c, tmp.resolve("b"));
        Path wa = tmp.resolve("a").resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE);
        Path wb = tmp.resolve("b").resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE);
        assertThat(Files.readAllBytes(wa)).isEqualTo(Files.readAllBytes(wb));
        Map<String, Tensor> stored = Safetensors.read(wa).floatTensors(wa);
        assertThat(stored.keySet()).containsExactly("prompt_encoder.embedding.weight",
                "prompt_encoder.transform.0.weight", "prompt_encoder.transform.0.bias",
                "prompt_encoder.transform.2.weight", "prompt_encoder.transform.2.bias", "prompt_embeddings");
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        DecoderLMConfig m = ((DecoderLM) w.model()).config();
        assertThat(stored.get("prompt_embeddings").shape())                                // [n, 2·L·C]
                .containsExactly(2, 2 * m.layers() * m.dModel());
        MethodSetup fresh = MethodSetup.create(w, c);
        AdapterCheckpoint.load(wa.getParent(), fresh, w.model());
        values(fresh.trainedParameters()).forEach((k, v) -> assertThat(v).as(k)
                .containsExactly(a.trainedParameters().get(k).value().toDoubleArray()));

        Map<String, Tensor> bad = new LinkedHashMap<>(stored);
        Tensor z = bad.get("prompt_embeddings").copy();
        z.setFlat(0, z.getFlat(0) + 1e-3);
        bad.put("prompt_embeddings", z);
        Path badDir = Files.createDirectories(tmp.resolve("bad"));
        Safetensors.write(badDir.resolve(AdapterCheckpoint.WEIGHTS_FILE), bad, Map.of("format", "pt"));
        assertThatThrownBy(() -> AdapterCheckpoint.load(badDir, MethodSetup.create(
                Workloads.create("decoder", "tiny", DType.FLOAT64, 0), c), w.model()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the prefixes");
    }

    @Test
    void peftConfigsOfPromptAndPrefix() throws Exception {
        Workload d = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        DecoderLMConfig m = ((DecoderLM) d.model()).config();
        var prompt = (PeftAdapterConfig.PromptLearning) PeftAdapterConfig.of(MethodSetup.create(d,
                cfg("decoder", "prompt", 3, 0))).orElseThrow();
        assertThat(prompt.peftType()).isEqualTo("PROMPT_TUNING");
        assertThat(List.of(prompt.numVirtualTokens(), prompt.tokenDim(), prompt.numSubmodules()))
                .containsExactly(3, m.dModel(), 1);
        assertThat(List.of(prompt.numAttentionHeads(), prompt.numLayers())).containsExactly(m.heads(), m.layers());
        assertThat(prompt.encoderHiddenSize()).isNull();
        var prefix = (PeftAdapterConfig.PromptLearning) PeftAdapterConfig.of(MethodSetup.create(
                Workloads.create("decoder", "tiny", DType.FLOAT64, 0), cfg("decoder", "prefix", 2, 0))).orElseThrow();
        assertThat(prefix.peftType()).isEqualTo("PREFIX_TUNING");
        assertThat(prefix.prefixProjection()).isFalse();
        assertThat(prefix.numLayers()).isEqualTo(m.layers());
        assertThat(PeftAdapterConfig.of(MethodSetup.create(Workloads.create("seq2seq", "tiny", DType.FLOAT64, 0),
                cfg("seq2seq", "prefix", 2, 0)))).as("no PEFT layout for encoder-decoder prefixes").isEmpty();
    }

    @Test
    void configRulesOfVirtualTokens() {
        assertThatThrownBy(() -> cfg("decoder", "prompt", 0, 0)).hasMessageContaining("virtual tokens");
        assertThatThrownBy(() -> cfg("decoder", "prompt", 2, 4)).hasMessageContaining("prefix-hidden");
        assertThatThrownBy(() -> cfg("decoder", "lora", 2, 0)).hasMessageContaining("virtual tokens");
        assertThatThrownBy(() -> MethodSetup.create(Workloads.create("mlp", "tiny", DType.FLOAT64, 0),
                cfg("mlp", "prefix", 2, 0))).hasMessageContaining("decoder and seq2seq");
    }
}

package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola train --aux embedding}: the low-rank auxiliary on the token-embedding site {@code embed.token}, saved
 * with PEFT's {@code lora.Embedding} names and shapes ({@code lora_embedding_A} [r, vocab], {@code lora_embedding_B}
 * [dim, r], no {@code .weight}); ColA's Gradient-Learning trajectory equals LoRA's backprop one in float64 (plain SGD,
 * constant lr: equal parameters after every step means GL gradient = backprop gradient at every step), merged too.
 * Untrained tiny decoder base (the properties do not depend on pretraining).
 */
class EmbeddingAuxTrainTest {
    @TempDir
    Path tmp;

    static TrainConfig cfg(String method, boolean merged, String dtype, int steps, List<String> sites) {
        return new TrainConfig("decoder", "tiny", DType.parse(dtype), 0, "rotate", TrainMethod.parse(method),
                AuxiliaryKind.EMBEDDING, 2, 4, 1, merged, sites, OptimizerKind.SGD, 0.5, ScheduleKind.CONSTANT,
                0, 1e9, steps, 4, 7, steps, 16);
    }

    static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    static MethodSetup train(TrainConfig c, Path out) throws Exception {
        Workload w = Workloads.create("decoder", "tiny", c.dtype(), 0);
        MethodSetup s = MethodSetup.create(w, c);
        new TrainLoop(w, s, w.downstream("rotate", 0), out, null, sink(), false)
                .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), c.steps());
        return s;
    }

    @Test
    void checkpointHasPeftEmbeddingNamesShapesAndConfig() throws Exception {
        TrainConfig c = cfg("cola", false, "float32", 2, List.of());
        Path out = tmp.resolve("emb");
        MethodSetup s = train(c, out);
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT32, 0);
        var site = w.model().sites().get("embed.token");
        Path ck = out.resolve(TrainState.DIR);
        Map<String, Tensor> stored = Safetensors.read(ck.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
        String p = "base_model.model.embed.token.";
        assertThat(stored).containsOnlyKeys(p + "lora_embedding_A", p + "lora_embedding_B");
        assertThat(stored.get(p + "lora_embedding_A").shape()).containsExactly(2, site.inFeatures());   // [r, vocab]
        assertThat(stored.get(p + "lora_embedding_B").shape()).containsExactly(site.outFeatures(), 2);  // [dim, r]
        assertThat(stored.get(p + "lora_embedding_A").toDoubleArray()).as("A starts at 0 (PEFT) and was trained")
                .isNotEqualTo(new double[stored.get(p + "lora_embedding_A").numel()]);
        JsonNode conf = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
        assertThat(conf.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(conf.get("r").asInt()).isEqualTo(2);
        assertThat(conf.get("lora_alpha").asDouble()).isEqualTo(4.0);
        assertThat(conf.get("target_modules").toString()).isEqualTo("[\"embed.token\"]");
        JsonNode meta = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.META_FILE).toFile());
        assertThat(meta.get("aux_type").asText()).isEqualTo("embedding");
        assertThat(meta.get("tensors").has(p.replace("embed.token.", "<site>.") + "lora_embedding_A")).isTrue();

        MethodSetup fresh = MethodSetup.create(Workloads.create("decoder", "tiny", DType.FLOAT32, 0), c);
        TrainState.restore(out, fresh, null);
        s.trainedParameters().forEach((n, v) -> assertThat(fresh.trainedParameters().get(n).value().toDoubleArray())
                .as(n).containsExactly(v.value().toDoubleArray()));
    }

    @Test
    void glTrajectoryEqualsBackpropInFloat64() throws Exception {
        MethodSetup lora = train(cfg("lora", false, "float64", 3, List.of()), null);
        for (boolean merged : new boolean[] {false, true}) {
            MethodSetup cola = train(cfg("cola", merged, "float64", 3, List.of()), null);
            MethodSetup init = MethodSetup.create(Workloads.create("decoder", "tiny", DType.FLOAT64, 0),
                    cfg("cola", merged, "float64", 3, List.of()));
            lora.trainedParameters().forEach((n, v) -> {
                double[] want = v.value().toDoubleArray();
                double[] got = cola.trainedParameters().get(n).value().toDoubleArray();
                double[] start = init.trainedParameters().get(n).value().toDoubleArray();
                double diff = 0, norm = 0, moved = 0;
                for (int i = 0; i < want.length; i++) {
                    diff = Math.max(diff, Math.abs(got[i] - want[i]));
                    norm = Math.max(norm, Math.abs(want[i]));
                    moved = Math.max(moved, Math.abs(want[i] - start[i]));
                }
                assertThat(moved).as(n + " moved").isGreaterThan(1e-3);
                assertThat(diff / norm).as(n + (merged ? " merged" : " unmerged") + ": ColA vs LoRA").isLessThan(1e-10);
            });
        }
    }

    @Test
    void embeddingAuxiliaryRefusesLinearSitesAndLinearAuxiliariesRefuseEmbeddings() {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT32, 0);
        assertThatThrownBy(() -> MethodSetup.create(w, cfg("cola", false, "float32", 1, List.of("attn.query"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token-embedding sites only");
        TrainConfig lowrank = new TrainConfig("decoder", "tiny", DType.FLOAT32, 0, "rotate", TrainMethod.COLA,
                AuxiliaryKind.LOWRANK, 2, 4, 1, false, List.of("embed.token"), OptimizerKind.SGD, 0.5,
                ScheduleKind.CONSTANT, 0, 1.0, 1, 4, 7, 1, 16);
        assertThatThrownBy(() -> MethodSetup.create(w, lowrank)).hasMessageContaining("use --aux embedding");
        Workload mlp = Workloads.create("mlp", "tiny", DType.FLOAT32, 0);
        TrainConfig onMlp = new TrainConfig("mlp", "tiny", DType.FLOAT32, 0, "rotate", TrainMethod.COLA,
                AuxiliaryKind.EMBEDDING, 2, 4, 1, false, List.of(), OptimizerKind.SGD, 0.5,
                ScheduleKind.CONSTANT, 0, 1.0, 1, 4, 7, 1, 16);
        assertThatThrownBy(() -> MethodSetup.create(mlp, onMlp)).hasMessageContaining("embed.token");
    }
}

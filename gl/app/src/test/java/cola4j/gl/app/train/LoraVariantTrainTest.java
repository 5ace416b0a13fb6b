package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --lora-variant} wired into {@code cola train} ({@link VariantAuxiliaries}), on the untrained tiny decoder:
 * each variant's adapters, PiSSA's residual base, the PEFT export (config fields, tensor names and shapes, PiSSA as
 * plain LoRA of rank 2r), and ColA ≡ LoRA over a trajectory in float64 for every variant (P3 at the command's level).
 */
class LoraVariantTrainTest {
    @TempDir
    Path tmp;

    static TrainConfig cfg(String method, LoraVariant v, boolean merged, int steps) {
        return new TrainConfig("decoder", "tiny", DType.FLOAT64, 0, "rotate", TrainMethod.parse(method),
                AuxiliaryKind.LOWRANK, 2, 4, 1, merged, List.of(), OptimizerKind.SGD, 0.5, ScheduleKind.CONSTANT,
                0, 1e9, steps, 4, 7, steps, 16, 1, 0, 0, v);
    }

    static MethodSetup train(TrainConfig c, Path out) throws Exception {
        Workload w = Workloads.create("decoder", "tiny", c.dtype(), 0);
        MethodSetup s = MethodSetup.create(w, c);
        new TrainLoop(w, s, w.downstream("rotate", 0), out, null, EmbeddingAuxTrainTest.sink(), false)
                .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), c.steps());
        return s;
    }

    static double relDiff(Tensor got, Tensor want) {
        return got.maxAbsDiff(want) / Math.max(want.maxAbs(), 1e-300);
    }

    @Test
    void variantsBuildTheirOwnAdapters() {
        for (LoraVariant v : LoraVariant.values()) {
            Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
            Map<String, Tensor> w0 = new LinkedHashMap<>();
            w.model().sites().forEach((n, s) -> w0.put(n, s.weight().copy()));
            MethodSetup s = MethodSetup.create(w, cfg("lora", v, false, 1));
            assertThat(s.sites()).isNotEmpty();
            for (Site site : s.sites()) {
                var a = s.auxiliaries().get(site.name());
                switch (v) {
                    case LORA, RSLORA -> {
                        double want = v == LoraVariant.LORA ? 4.0 / 2 : 4.0 / Math.sqrt(2);
                        assertThat(((LowRankAux) a).scale()).isEqualTo(want);
                        assertThat(site.weight().bitEquals(w0.get(site.name()))).isTrue();
                    }
                    case PISSA -> {
                        // the base keeps W_res = W0 − s·B0·A0, B0 ≠ 0: the adapter starts from W0's top-r part
                        Tensor delta = a.deltaWeight();
                        assertThat(delta.maxAbs()).isGreaterThan(1e-3);
                        assertThat(relDiff(site.weight().add(delta), w0.get(site.name()))).isLessThan(1e-12);
                        assertThat(s.pissaInitial().get(site.name()).deltaWeight().bitEquals(delta)).isTrue();
                    }
                    case DORA -> {
                        assertThat(a).isInstanceOf(DoraAux.class);
                        assertThat(((DoraAux) a).base().bitEquals(w0.get(site.name()))).isTrue();
                        assertThat(a.deltaWeight().maxAbs()).as("W' = W0 at init").isLessThan(1e-12);
                        assertThat(site.weight().bitEquals(w0.get(site.name()))).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void memoryEstimateCountsDorasCopiesOfW0() {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        long p = w.model().parameterCount();
        MethodSetup lora = MethodSetup.create(w, cfg("cola", LoraVariant.LORA, false, 1));
        long plain = TrainingMemory.forRun(lora.config(), w, p, lora);
        Workload w2 = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        MethodSetup dora = MethodSetup.create(w2, cfg("cola", LoraVariant.DORA, false, 1));
        long copies = dora.sites().stream().mapToLong(s -> (long) s.inFeatures() * s.outFeatures() * 8).sum();
        assertThat(copies).isPositive();
        assertThat(TrainingMemory.forRun(dora.config(), w2, p, dora) - plain).isGreaterThanOrEqualTo(copies);
    }

    @ParameterizedTest
    @EnumSource(LoraVariant.class)
    void colaFollowsLoraForEveryVariantInFloat64(LoraVariant v) throws Exception {
        MethodSetup lora = train(cfg("lora", v, false, 3), null);
        MethodSetup init = MethodSetup.create(Workloads.create("decoder", "tiny", DType.FLOAT64, 0),
                cfg("lora", v, false, 3));
        for (boolean merged : new boolean[] {false, true}) {
            MethodSetup cola = train(cfg("cola", v, merged, 3), null);
            lora.trainedParameters().forEach((n, p) -> {
                Tensor got = cola.trainedParameters().get(n).value();
                assertThat(p.value().maxAbsDiff(init.trainedParameters().get(n).value())).as(n + " moved")
                        .isGreaterThan(1e-4);
                assertThat(relDiff(got, p.value())).as(v + (merged ? " merged " : " unmerged ") + n).isLessThan(1e-10);
            });
        }
    }

    @Test
    void peftExportOfEachVariant() throws Exception {
        for (LoraVariant v : LoraVariant.values()) {
            Path out = tmp.resolve(v.cliName());
            MethodSetup s = train(cfg("cola", v, false, 2), out);
            Path ck = out.resolve(TrainState.DIR);
            JsonNode conf = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
            assertThat(conf.get("peft_type").asText()).isEqualTo("LORA");
            assertThat(conf.get("use_rslora").asBoolean()).as(v + " use_rslora").isEqualTo(v == LoraVariant.RSLORA);
            assertThat(conf.get("use_dora").asBoolean()).as(v + " use_dora").isEqualTo(v == LoraVariant.DORA);
            assertThat(conf.get("init_lora_weights").toString()).as(v + " init_lora_weights")
                    .isEqualTo(v == LoraVariant.PISSA ? "\"pissa\"" : "true");
            JsonNode meta = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.META_FILE).toFile());
            assertThat(meta.get("lora_variant").asText()).isEqualTo(v.cliName());
            Map<String, Tensor> stored = Safetensors.read(ck.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
            for (Site site : s.sites()) {
                String p = "base_model.model." + site.name() + ".";
                List<String> keys = v == LoraVariant.DORA
                        ? List.of(p + "lora_A.weight", p + "lora_B.weight", p + "lora_magnitude_vector")
                        : List.of(p + "lora_A.weight", p + "lora_B.weight");
                assertThat(stored.keySet().stream().filter(k -> k.startsWith(p))).containsExactlyElementsOf(keys);
                assertThat(stored.get(p + "lora_A.weight").shape()).containsExactly(2, site.inFeatures());
                assertThat(stored.get(p + "lora_B.weight").shape()).containsExactly(site.outFeatures(), 2);
                if (v == LoraVariant.DORA) {
                    assertThat(stored.get(p + "lora_magnitude_vector").shape()).containsExactly(site.outFeatures());
                }
            }
            // a fresh setup restores every tensor bit for bit (PiSSA recomputes the same residual from W0)
            MethodSetup fresh = MethodSetup.create(Workloads.create("decoder", "tiny", DType.FLOAT64, 0),
                    cfg("cola", v, false, 2));
            TrainState.restore(out, fresh, null);
            s.trainedParameters().forEach((n, p) -> assertThat(fresh.trainedParameters().get(n).value()
                    .bitEquals(p.value())).as(n).isTrue());
        }
    }

    @Test
    void pissaConvertedToLoraGivesTheSameWeightOnTheUnmodifiedBase() throws Exception {
        Path out = tmp.resolve("pissa");
        TrainConfig c = cfg("lora", LoraVariant.PISSA, false, 2);
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        Map<String, Tensor> w0 = new LinkedHashMap<>();
        w.model().sites().forEach((n, s) -> w0.put(n, s.weight().copy()));
        MethodSetup s = MethodSetup.create(w, c);
        Rng rng = new Rng(5);      // any trained A, B: the identity must hold for all of them
        for (Var p : s.trainedParameters().values()) p.setValue(rng.normal(DType.FLOAT64, 0, 0.3, p.value().shape()));
        AdapterCheckpoint.save(java.nio.file.Files.createDirectories(out), s, w.model());
        Path sub = out.resolve(AdapterCheckpoint.PISSA_AS_LORA_DIR);
        JsonNode conf = JsonFiles.MAPPER.readTree(sub.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
        assertThat(conf.get("r").asInt()).isEqualTo(4);
        assertThat(conf.get("lora_alpha").asDouble()).isEqualTo(8.0);
        assertThat(conf.get("init_lora_weights").asBoolean()).isTrue();
        Map<String, Tensor> t = Safetensors.read(sub.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
        double scale = conf.get("lora_alpha").asDouble() / conf.get("r").asInt();
        for (Site site : s.sites()) {
            String p = "base_model.model." + site.name() + ".";
            Tensor a = t.get(p + "lora_A.weight"), b = t.get(p + "lora_B.weight");
            assertThat(a.shape()).containsExactly(4, site.inFeatures());
            assertThat(b.shape()).containsExactly(site.outFeatures(), 4);
            Tensor converted = w0.get(site.name()).add(b.matmul(a).mul(scale));          // W0 + s'·B'·A'
            Tensor trained = site.weight().add(s.auxiliaries().get(site.name()).deltaWeight()); // W_res + s·B·A
            assertThat(relDiff(converted, trained)).as(site.name()).isLessThan(1e-12);
        }
    }
}

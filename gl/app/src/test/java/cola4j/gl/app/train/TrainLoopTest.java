package cola4j.gl.app.train;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.cli.PlainModes;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainLoop}, {@link StepTrace}, {@link AdapterCheckpoint} and {@link TrainState} on an <b>untrained</b> tiny
 * base ({@code Workloads.create}): these properties (trace = adaptation data, checkpoint round trip, NaN refusal) do
 * not depend on the base being pretrained, and skipping pretraining keeps each test well under a second.
 */
class TrainLoopTest {
    @TempDir
    Path tmp;

    static TrainConfig cfg(String family, String method, String aux, String dtype, int steps) {
        return new TrainConfig(family, "tiny", DType.parse(dtype), 0, "rotate", TrainMethod.parse(method),
                AuxiliaryKind.parse(aux), 2, 4, 1, false, List.of(), OptimizerKind.ADAMW, 1e-2, ScheduleKind.CONSTANT,
                0, 1.0, steps, 4, 7, steps, 16);
    }

    static MethodSetup setup(Workload w, TrainConfig c) {
        return MethodSetup.create(w, c);
    }

    static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void traceHoldsTheBatchLossParametersAndExactlyTheAdaptationDataOfColaServer() throws Exception {
        TrainConfig c = cfg("mlp", "cola", "lowrank", "float64", 2);
        Workload w = Workloads.create("mlp", "tiny", DType.FLOAT64, 0);
        MethodSetup s = setup(w, c);
        Path dir = tmp.resolve("trace");
        new TrainLoop(w, s, w.downstream("rotate", 0), null, new StepTrace(dir, "cola", 0), sink(), false)
                .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 2);

        Map<String, Tensor> t2 = Safetensors.read(dir.resolve(StepTrace.fileName(2))).tensors();
        List<AdaptationData> last = s.lastAdaptationData();
        assertThat(last).hasSize(s.sites().size());
        for (AdaptationData d : last) {
            Site site = s.sites().stream().filter(x -> x.name().equals(d.site())).findFirst().orElseThrow();
            Tensor x = t2.get("adaptation." + d.site() + ".x"), g = t2.get("adaptation." + d.site() + ".grad_h");
            assertThat(x.shape()).containsExactly(4, site.inFeatures());   // [rows, in], rows = batch 4
            assertThat(g.shape()).containsExactly(4, site.outFeatures());  // [rows, out]
            assertThat(x.toDoubleArray()).containsExactly(d.x().toDoubleArray());
            assertThat(g.toDoubleArray()).containsExactly(d.gradH().toDoubleArray());
        }
        assertThat(t2.get("batch.x").shape()).containsExactly(4, 64);
        assertThat(t2.get("batch.y").shape()).containsExactly(4);
        assertThat(t2.get("loss").numel()).isEqualTo(1);
        s.trainedParameters().forEach((n, v) ->
                assertThat(t2.get("param." + n).toDoubleArray()).as(n).containsExactly(v.value().toDoubleArray()));

        // independent check of step 1's dL/dh at the head site: lora_B = 0 so g = 0 and h = logits = x Wᵀ + b;
        // for the mean cross-entropy dL/dh = (softmax(h) − onehot(y)) / B
        Map<String, Tensor> t1 = Safetensors.read(dir.resolve(StepTrace.fileName(1))).tensors();
        Site head = w.model().sites().get("head");
        Tensor xh = t1.get("adaptation.head.x"), gh = t1.get("adaptation.head.grad_h");
        double[] y = t1.get("batch.y").toDoubleArray();
        Tensor logits = xh.matmul(head.weight().transpose(0, 1)).add(head.bias());
        int k = logits.dim(1);
        for (int r = 0; r < 4; r++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < k; j++) m = Math.max(m, logits.getFlat(r * k + j));
            for (int j = 0; j < k; j++) z += Math.exp(logits.getFlat(r * k + j) - m);
            for (int j = 0; j < k; j++) {
                double want = (Math.exp(logits.getFlat(r * k + j) - m) / z - (j == (int) y[r] ? 1 : 0)) / 4;
                assertThat(gh.getFlat(r * k + j)).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-14));
            }
        }

        JsonNode index = JsonFiles.MAPPER.readTree(dir.resolve(StepTrace.INDEX).toFile());
        assertThat(index.get("steps")).hasSize(2);
        assertThat(index.get("steps").get(1).get("file").asText()).isEqualTo("step-000002.safetensors");
        assertThat(index.get("steps").get(1).get("tensors").get("adaptation.head.grad_h").toString())
                .isEqualTo("[4,10]");
    }

    @Test
    void nonColaTraceHasNoAdaptationData() throws Exception {
        TrainConfig c = cfg("decoder", "ia3", "lowrank", "float64", 1);
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        MethodSetup s = setup(w, c);
        Path dir = tmp.resolve("t");
        new TrainLoop(w, s, w.downstream("rotate", 0), null, new StepTrace(dir, "ia3", 0), sink(), false)
                .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 1);
        Map<String, Tensor> t = Safetensors.read(dir.resolve(StepTrace.fileName(1))).tensors();
        assertThat(t.keySet()).noneMatch(n -> n.startsWith("adaptation."));
        assertThat(t.keySet())
                .contains("batch.inputs", "batch.targets", "loss", "param.base_model.model.blocks.0.attn.key.ia3_l");
    }

    @Test
    void adapterCheckpointRoundTripsWithPeftNamesAndConfig() throws Exception {
        for (String aux : List.of("lowrank", "linear", "mlp")) {
            TrainConfig c = cfg("decoder", "lora", aux, "float32", 2);
            Workload w = Workloads.create("decoder", "tiny", DType.FLOAT32, 0);
            MethodSetup s = setup(w, c);
            Path out = tmp.resolve(aux);
            new TrainLoop(w, s, w.downstream("rotate", 0), out, null, sink(), false)
                    .run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 2);
            Path ck = out.resolve(TrainState.DIR);
            PlainModes.assertPlain(ck); // the directory and every file in it: plain modes, not owner-only temporaries
            Map<String, Tensor> stored = Safetensors.read(ck.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
            String q = "base_model.model.blocks.0.attn.query.";
            switch (aux) {
                case "lowrank" -> assertThat(stored).containsKeys(q + "lora_A.weight", q + "lora_B.weight");
                case "linear" -> assertThat(stored).containsKeys(q + "cola_linear.weight", q + "cola_linear.bias");
                default -> assertThat(stored)
                        .containsKeys(q + "cola_mlp.layers.0.weight", q + "cola_mlp.layers.1.bias");
            }
            assertThat(stored.get(stored.keySet().iterator().next()).dtype()).isEqualTo(DType.FLOAT32);
            // PEFT's adapter_config.json for the low-rank adapter only (AdapterExportTest checks every key);
            // cola4j's metadata for every auxiliary
            assertThat(Files.exists(ck.resolve(AdapterCheckpoint.CONFIG_FILE))).isEqualTo(aux.equals("lowrank"));
            JsonNode meta = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.META_FILE).toFile());
            assertThat(meta.get("sites").toString()).isEqualTo("[\"blocks.0.attn.query\","
                    + "\"blocks.0.attn.value\",\"blocks.1.attn.query\",\"blocks.1.attn.value\"]");
            assertThat(meta.get("base_model_family").asText()).isEqualTo("decoder");
            assertThat(meta.get("method").asText()).isEqualTo("lora");
            assertThat(meta.get("aux_type").asText()).isEqualTo(aux);
            assertThat(meta.get("peft_type").isNull()).isEqualTo(!aux.equals("lowrank"));

            MethodSetup fresh = setup(Workloads.create("decoder", "tiny", DType.FLOAT32, 0), c);
            assertThat(fresh.trainedParameters().entrySet())
                    .as("training moved some parameter away from the initialization")
                    .anySatisfy(e -> assertThat(e.getValue().value().toDoubleArray()).isNotEqualTo(
                            s.trainedParameters().get(e.getKey()).value().toDoubleArray()));
            TrainState.restore(out, fresh, null);
            s.trainedParameters().forEach((n, v) -> assertThat(fresh.trainedParameters().get(n).value().toDoubleArray())
                    .as(n).containsExactly(v.value().toDoubleArray()));
            assertThat(fresh.optimizer().stepCount()).isEqualTo(2);
        }
    }

    @Test
    void aNanStepNeverOverwritesTheLastGoodCheckpoint() throws Exception {
        TrainConfig c = colaMlpEvaluatedEveryTwoSteps();
        Workload w = Workloads.create("mlp", "tiny", DType.FLOAT64, 0);
        MethodSetup s = setup(w, c);
        Path out = tmp.resolve("nan");
        TrainLoop loop = new TrainLoop(w, s, w.downstream("rotate", 0), out, null, sink(), false);
        loop.run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 2);
        Path ck = out.resolve(TrainState.DIR);
        Map<String, byte[]> before = snapshot(ck);
        // inject a NaN into an adapter (as a diverging update would) and continue: the forward is finite (relu maps the
        // NaN column of layer 0 to 0), so the user's Gradient Learning step is where it shows, and nothing is updated
        Var a = s.trainedParameters().values().iterator().next();
        Tensor bad = a.value().copy();
        bad.setFlat(0, Double.NaN);
        a.setValue(bad);
        TrainState at2 = TrainState.read(out);
        assertThatThrownBy(() -> loop.run(at2, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step 3: parameter layers.0/lora_A.weight is non-finite (NaN at flat index 0 "
                        + "(row 0)); training stopped")
                .hasMessageContaining("last good checkpoint (step 2, manifest verified) is intact in " + ck);
        try (var files = Files.list(ck)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(before.keySet());
        }
        assertUnchanged(ck, before);
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).noneMatch(n -> n.startsWith(".checkpoint"));
        }
        MethodSetup fresh = setup(Workloads.create("mlp", "tiny", DType.FLOAT64, 0), c);
        TrainState.restore(out, fresh, null);
        fresh.trainedParameters().values().forEach(v -> assertThat(v.value().isFinite()).isTrue());
        assertThat(TrainState.read(out).step()).isEqualTo(2);

        // and the writer itself refuses non-finite state
        assertThatThrownBy(() -> TrainState.write(out, s, w.model(), at2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to checkpoint");
        assertUnchanged(ck, before);
    }

    /**
     * dL/dh overflows while the loss stays finite: the head's input is a tiny positive 1e-150 (layer 0's weight and
     * adapter zeroed, its bias 1e-150) and the head adapter's A and B hold entries of size 1e200. Forward:
     * s·(x Aᵀ) Bᵀ ≈ 1e251, finite, so the loss is finite; backward: dL/dx = s·(G B) A ≈ 1e399 = Inf, so dL/dh
     * at layers.0 is non-finite. The server stops before anything is shipped, the message names the site, and the last
     * good checkpoint stays byte for byte.
     */
    @Test
    void aNonFiniteHiddenGradientWithAFiniteLossIsNamedAndStopsTheRun() throws Exception {
        TrainConfig c = colaMlpEvaluatedEveryTwoSteps();
        Workload w = Workloads.create("mlp", "tiny", DType.FLOAT64, 0);
        MethodSetup s = setup(w, c);
        assertThat(s.auxiliaries().keySet()).containsExactly("layers.0", "head");
        Path out = tmp.resolve("gradh");
        TrainLoop loop = new TrainLoop(w, s, w.downstream("rotate", 0), out, null, sink(), false);
        loop.run(new TrainState(c, 0, BaseIdentity.of(w.model()), List.of()), 2);
        Path ck = out.resolve(TrainState.DIR);
        Map<String, byte[]> before = snapshot(ck);

        Site l0 = w.model().sites().get("layers.0");
        l0.weight().copyFrom(Tensor.zeros(DType.FLOAT64, l0.weight().shape()));
        l0.bias().copyFrom(Tensor.zeros(DType.FLOAT64, l0.bias().shape()).add(1e-150));
        s.auxiliaries().get("layers.0").namedParameters().values()
                .forEach(v -> v.setValue(Tensor.zeros(DType.FLOAT64, v.shape())));
        var head = s.auxiliaries().get("head").namedParameters();
        head.get("lora_A.weight").setValue(Tensor.zeros(DType.FLOAT64, head.get("lora_A.weight").shape()).add(1e200));
        head.get("lora_B.weight")
                .setValue(new cola4j.tensor.Rng(3).normal(DType.FLOAT64, 0, 1e200, head.get("lora_B.weight").shape()));

        TrainState at2 = TrainState.read(out);
        assertThatThrownBy(() -> loop.run(at2, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("step 3: adaptation data at site layers.0 is non-finite: dL/dh holds ")
                .hasMessageContaining("although the loss (").hasMessageContaining("training stopped")
                .hasMessageContaining("last good checkpoint (step 2, manifest verified) is intact in " + ck);
        assertUnchanged(ck, before);
        assertThat(TrainState.read(out).step()).isEqualTo(2);
        // nothing reached the user: the head adapter is as set (no step was taken on the bad data)
        assertThat(head.get("lora_A.weight").value().maxAbs()).isEqualTo(1e200);
    }

    /** The config's enums keep the command-line spelling in training_state.json, and read back to the same config. */
    @Test
    void configJsonKeepsTheCommandLineSpellings() throws Exception {
        TrainConfig c = cfg("decoder", "cola", "linear", "float32", 4);
        String json = JsonFiles.MAPPER.writeValueAsString(c);
        JsonNode tree = JsonFiles.MAPPER.readTree(json);
        assertThat(List.of(tree.get("method").asText(), tree.get("aux").asText(), tree.get("optimizer").asText(),
                tree.get("schedule").asText())).containsExactly("cola", "linear", "adamw", "constant");
        assertThat(JsonFiles.MAPPER.readValue(json, TrainConfig.class)).isEqualTo(c);
        assertThatThrownBy(() -> JsonFiles.MAPPER.readValue(json.replace("\"adamw\"", "\"adamx\""), TrainConfig.class))
                .hasMessageContaining("optimizer 'adamx' is not one of [sgd, adam, adamw]");
        assertThat(TrainMethod.names()).containsExactly("full", "lora", "ia3", "cola", "adalora", "prompt", "prefix");
        assertThat(AuxiliaryKind.userChoiceNames()).containsExactly("lowrank", "linear", "mlp");
        assertThat(tree.get("dtype").asText()).isEqualTo("float32");
        assertThatThrownBy(() -> JsonFiles.MAPPER.readValue(json.replace("\"float32\"", "\"FLOAT32\""),
                TrainConfig.class)).hasMessageContaining("dtype must be float32 or float64");
        assertThat(JsonFiles.MAPPER.readValue(json.replace("\"linear\"", "\"embedding\""), TrainConfig.class).aux())
                .isEqualTo(AuxiliaryKind.EMBEDDING);                    // --aux embedding: token-embedding sites
        assertThatThrownBy(() -> JsonFiles.MAPPER.readValue(json.replace("\"linear\"", "\"lineer\""),
                TrainConfig.class)).hasMessageContaining("lineer").hasMessageContaining("embedding");
        assertThat(ScheduleKind.names()).containsExactly("constant", "linear", "cosine");
    }

    @Test
    void stepSeedsArePureFunctionsOfSeedAndStep() {
        assertThat(StepSeeds.seed(3, StepSeeds.BATCH, 10)).isEqualTo(StepSeeds.seed(3, StepSeeds.BATCH, 10));
        assertThat(StepSeeds.seed(3, StepSeeds.BATCH, 10)).isNotEqualTo(StepSeeds.seed(3, StepSeeds.BATCH, 11));
        assertThat(StepSeeds.seed(3, StepSeeds.BATCH, 10)).isNotEqualTo(StepSeeds.seed(3, StepSeeds.DROPOUT, 10));
        assertThat(StepSeeds.seed(3, StepSeeds.BATCH, 10)).isNotEqualTo(StepSeeds.seed(4, StepSeeds.BATCH, 10));
    }

    /** A float64 ColA low-rank run on the tiny MLP, evaluated (and checkpointed) every 2 steps. */
    private static TrainConfig colaMlpEvaluatedEveryTwoSteps() {
        TrainConfig c = cfg("mlp", "cola", "lowrank", "float64", 4);
        return new TrainConfig(c.model(), c.preset(), c.dtype(), c.baseSeed(), c.task(), c.method(), c.aux(), c.rank(),
                c.alpha(), c.interval(), c.merged(), c.sites(), c.optimizer(), c.lr(), c.schedule(), c.warmup(),
                c.clip(), c.steps(), c.batch(), c.seed(), 2, c.evalExamples());
    }

    /** Every file of a checkpoint directory, name → bytes. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) m.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return m;
    }

    /** Each file of {@code before} is still in {@code dir}, byte for byte. */
    private static void assertUnchanged(Path dir, Map<String, byte[]> before) throws IOException {
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            assertThat(Files.readAllBytes(dir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}

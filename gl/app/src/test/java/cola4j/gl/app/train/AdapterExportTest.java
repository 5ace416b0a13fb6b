package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported adapter is what Hugging Face PEFT expects: key names, shapes and {@code adapter_config.json} fields
 * (checked against the field lists of PEFT's config dataclasses), and PEFT's forward formulas applied to the exported
 * tensors reproduce cola4j's adapted outputs in float64. ColA's linear and MLP auxiliaries are re-evaluated from the
 * stored tensors by the formula {@code cola4j_adapter.json} documents. Untrained tiny bases; parameters are set to
 * random values so that no check passes on zeros or ones.
 */
class AdapterExportTest {
    /**
     * The fields of PEFT's PeftConfigMixin + PeftConfig, LoraConfig and IA3Config that cola4j may write (copied from
     * huggingface/peft at 5d602fdbf: src/peft/config.py, src/peft/tuners/lora/config.py, tuners/ia3/config.py).
     */
    static final Set<String> PEFT_BASE = Set.of("task_type", "peft_type", "auto_mapping", "peft_version",
            "base_model_name_or_path", "revision", "inference_mode");
    static final Set<String> LORA = Set.of("r", "target_modules", "exclude_modules", "lora_alpha", "lora_dropout",
            "fan_in_fan_out", "bias", "use_rslora", "modules_to_save", "init_lora_weights", "layers_to_transform",
            "layers_pattern", "rank_pattern", "alpha_pattern", "use_dora", "lora_bias");
    static final Set<String> IA3 = Set.of("target_modules", "exclude_modules", "feedforward_modules",
            "fan_in_fan_out", "modules_to_save", "init_ia3_weights");

    @TempDir
    Path tmp;

    record Saved(Workload w, MethodSetup s, Path dir, Map<String, Tensor> tensors, JsonNode peft, JsonNode meta) {}

    /** A setup on an untrained tiny float64 base with every trained parameter randomized, saved into a fresh dir. */
    Saved save(String family, String method, String aux) throws Exception {
        Workload w = Workloads.create(family, "tiny", DType.FLOAT64, 0);
        TrainConfig c = TrainLoopTest.cfg(family, method, aux, "float64", 2);
        Path base = tmp.resolve("base-" + family);
        MethodSetup s = MethodSetup.create(w, c, AdapterBase.ofPresetDirectory(base, family));
        Rng rng = new Rng(11);
        s.trainedParameters().values().forEach(v -> v.setValue(rng.uniform(DType.FLOAT64, 0.5, 1.5, v.shape())));
        Path dir = Files.createDirectories(tmp.resolve(family + "-" + method + "-" + aux));
        AdapterCheckpoint.save(dir, s, w.model());
        Map<String, Tensor> t = method.equals("full") ? Map.of()
                : Safetensors.read(dir.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
        Path pc = dir.resolve(AdapterCheckpoint.CONFIG_FILE);
        JsonNode peft = Files.exists(pc) ? JsonFiles.MAPPER.readTree(pc.toFile()) : null;
        JsonNode meta = JsonFiles.MAPPER.readTree(dir.resolve(AdapterCheckpoint.META_FILE).toFile());
        assertThat(meta.get("format").asText()).isEqualTo("cola4j-adapter");
        assertThat(meta.get("base_model_name_or_path").asText()).isEqualTo(base.toAbsolutePath().toString());
        return new Saved(w, s, dir, t, peft, meta);
    }

    static Set<String> keys(JsonNode n) {
        Set<String> k = new HashSet<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    static List<String> strings(JsonNode n) {
        List<String> l = new ArrayList<>();
        n.forEach(e -> l.add(e.asText()));
        return l;
    }

    /** rows × out: x W^T + b by plain loops (W [out, in], b [out] or null). */
    static double[] affine(double[] x, int rows, int in, Tensor w, Tensor b) {
        int out = w.shape()[0];
        double[] h = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b.getFlat(o);
                for (int i = 0; i < in; i++) acc += x[r * in + i] * w.getFlat(o * in + i);
                h[r * out + o] = acc;
            }
        }
        return h;
    }

    static void assertClose(double[] got, double[] want, String what) {
        assertThat(got).as(what).hasSameSizeAs(want);
        double scale = 0, err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        assertThat(scale).as(what + " is not trivially zero").isGreaterThan(1e-3);
        assertThat(err / scale).as(what + ": max abs error / max |value|").isLessThanOrEqualTo(1e-12);
    }

    @Test
    void loraAndColaLowRankAreExactlyPeftLora() throws Exception {
        for (String method : List.of("lora", "cola")) {
            Saved sv = save("decoder", method, "lowrank");
            List<String> sites = new ArrayList<>(sv.s().auxiliaries().keySet());
            assertThat(sites).containsExactly("blocks.0.attn.query", "blocks.0.attn.value", "blocks.1.attn.query",
                    "blocks.1.attn.value");
            Set<String> want = new HashSet<>();
            for (String site : sites) {
                want.add("base_model.model." + site + ".lora_A.weight");
                want.add("base_model.model." + site + ".lora_B.weight");
            }
            assertThat(sv.tensors().keySet()).as(method).containsExactlyInAnyOrderElementsOf(want);

            JsonNode p = sv.peft();
            Set<String> allowed = new HashSet<>(PEFT_BASE);
            allowed.addAll(LORA);
            assertThat(allowed).containsAll(keys(p));
            assertThat(p.get("peft_type").asText()).isEqualTo("LORA");
            assertThat(p.get("task_type").asText()).isEqualTo("CAUSAL_LM");
            assertThat(p.get("base_model_name_or_path").asText()).isEqualTo(sv.meta().get("base_model_name_or_path")
                    .asText());
            assertThat(strings(p.get("target_modules"))).containsExactlyElementsOf(sites);
            assertThat(p.get("r").asInt()).isEqualTo(2);
            assertThat(p.get("lora_alpha").asDouble()).isEqualTo(4.0);
            assertThat(p.get("lora_dropout").asDouble()).isZero();
            assertThat(p.get("fan_in_fan_out").asBoolean()).isFalse();
            assertThat(p.get("bias").asText()).isEqualTo("none");
            assertThat(p.get("use_rslora").asBoolean()).isFalse();
            assertThat(sv.meta().get("peft_type").asText()).isEqualTo("LORA");
            assertThat(sv.meta().get("auxiliary").get("rank").asInt()).isEqualTo(2);

            // PEFT's lora.Linear: delta = (lora_alpha / r) · lora_B(lora_A(x)), from the stored tensors alone
            double scaling = p.get("lora_alpha").asDouble() / p.get("r").asInt();
            Rng rng = new Rng(5);
            for (String site : sites) {
                Site st = sv.w().model().sites().get(site);
                int rows = 3, in = st.inFeatures();
                Tensor a = sv.tensors().get("base_model.model." + site + ".lora_A.weight");
                Tensor b = sv.tensors().get("base_model.model." + site + ".lora_B.weight");
                assertThat(a.shape()).containsExactly(2, in);
                assertThat(b.shape()).containsExactly(st.outFeatures(), 2);
                Tensor x = rng.uniform(DType.FLOAT64, -1, 1, rows, in);
                double[] peft = affine(affine(x.toDoubleArray(), rows, in, a, null), rows, 2, b, null);
                for (int i = 0; i < peft.length; i++) peft[i] *= scaling;
                double[] ours = sv.s().auxiliaries().get(site).apply(Var.constant(x)).value().toDoubleArray();
                assertClose(ours, peft, method + " " + site);
            }
        }
    }

    @Test
    void ia3IsStoredInPeftShapesWithFeedforwardModules() throws Exception {
        Saved sv = save("decoder", "ia3", "lowrank");
        Ia3Trainer t = (Ia3Trainer) sv.s().trainer();
        List<String> targets = new ArrayList<>(t.scales().keySet()), ff = t.feedforwardSites();
        assertThat(ff).containsExactly("blocks.0.mlp.fc2", "blocks.1.mlp.fc2");
        JsonNode p = sv.peft();
        Set<String> allowed = new HashSet<>(PEFT_BASE);
        allowed.addAll(IA3);
        assertThat(allowed).containsAll(keys(p));
        assertThat(p.get("peft_type").asText()).isEqualTo("IA3");
        assertThat(strings(p.get("target_modules"))).containsExactlyElementsOf(targets).hasSize(6);
        assertThat(strings(p.get("feedforward_modules"))).containsExactlyElementsOf(ff);
        assertThat(p.get("fan_in_fan_out").asBoolean()).isFalse();
        assertThat(sv.meta().get("auxiliary").isNull()).isTrue();

        Rng rng = new Rng(9);
        for (String site : targets) {
            Site st = sv.w().model().sites().get(site);
            Tensor l = sv.tensors().get("base_model.model." + site + ".ia3_l");
            boolean isFf = ff.contains(site);
            int in = st.inFeatures(), out = st.outFeatures(), rows = 3;
            if (isFf) assertThat(in).as("fc2: in != out, so (1, in) is not (1, out)").isNotEqualTo(out);
            assertThat(l.shape()).as(site).containsExactly(isFf ? 1 : out, isFf ? in : 1);
            // PEFT's IA3 Linear forward: feedforward: base(x * l); otherwise base(x) * l (l flattened)
            double[] x = rng.uniform(DType.FLOAT64, -1, 1, rows, in).toDoubleArray();
            double[] xs = x.clone();
            if (isFf) for (int i = 0; i < xs.length; i++) xs[i] *= l.getFlat(i % in);
            double[] peft = affine(xs, rows, in, st.weight(), st.bias());
            if (!isFf) for (int i = 0; i < peft.length; i++) peft[i] *= l.getFlat(i % out);
            Var xv = Var.constant(Tensor.of(x, rows, in));
            Var h = Var.constant(Tensor.of(affine(x, rows, in, st.weight(), st.bias()), rows, out));
            assertClose(t.interceptor().intercept(st, xv, h).value().toDoubleArray(), peft, "ia3 " + site);
        }

        // round trip into a fresh setup; a 1-D ia3_l of an older checkpoint also loads; a transposed one does not
        MethodSetup fresh = MethodSetup.create(Workloads.create("decoder", "tiny", DType.FLOAT64, 0), sv.s().config());
        AdapterCheckpoint.load(sv.dir(), fresh, null);
        sv.s().trainedParameters().forEach((n, v) -> assertThat(fresh.trainedParameters().get(n).value().shape())
                .containsExactly(v.value().numel()));
        sv.s().trainedParameters().forEach((n, v) -> assertThat(fresh.trainedParameters().get(n).value()
                .toDoubleArray()).as(n).containsExactly(v.value().toDoubleArray()));
        LinkedHashMap<String, Tensor> legacy = new LinkedHashMap<>(), flipped = new LinkedHashMap<>();
        sv.s().trainedParameters().forEach((n, v) -> legacy.put(n, v.value().mul(2.0)));
        sv.tensors().forEach((n, v) -> flipped.put(n, v.reshape(v.shape()[1], v.shape()[0])));
        Safetensors.write(sv.dir().resolve(AdapterCheckpoint.WEIGHTS_FILE), legacy, Map.of("format", "pt"));
        AdapterCheckpoint.load(sv.dir(), fresh, null);
        sv.s().trainedParameters().forEach((n, v) -> assertThat(fresh.trainedParameters().get(n).value()
                .toDoubleArray()).as(n).containsExactly(v.value().mul(2.0).toDoubleArray()));
        Safetensors.write(sv.dir().resolve(AdapterCheckpoint.WEIGHTS_FILE), flipped, Map.of("format", "pt"));
        assertThatThrownBy(() -> AdapterCheckpoint.load(sv.dir(), fresh, null))
                .hasMessageContaining("base_model.model.blocks.0.attn.key.ia3_l is float64 [1, 16], expected "
                        + "float64 [16, 1]").hasMessageContaining("does not fit this run");
    }

    @Test
    void colaLinearAndMlpAreDocumentedCola4jFormatsWithoutAPeftConfig() throws Exception {
        for (String aux : List.of("linear", "mlp")) {
            Saved sv = save("decoder", "cola", aux);
            assertThat(sv.peft()).as(aux + ": PEFT has no type for it, so no adapter_config.json").isNull();
            JsonNode meta = sv.meta(), a = meta.get("auxiliary");
            assertThat(meta.get("peft_type").isNull()).isTrue();
            assertThat(meta.get("aux_type").asText()).isEqualTo(aux);
            assertThat(a.get("kind").asText()).isEqualTo(aux);
            assertThat(a.get("bias").asBoolean()).isTrue();
            if (aux.equals("mlp")) {
                assertThat(a.get("activation").asText()).isEqualTo("relu");
                assertThat(a.get("hidden_size").asInt()).isEqualTo(128);
                assertThat(a.get("hidden_layers").asInt()).isEqualTo(1);
            }
            String prefix = aux.equals("linear") ? ".cola_linear." : ".cola_mlp.layers.";
            Rng rng = new Rng(2);
            for (Map.Entry<String, AuxiliaryModel> e : sv.s().auxiliaries().entrySet()) {
                String k = "base_model.model." + e.getKey() + prefix;
                int in = e.getValue().inFeatures(), rows = 3;
                double[] x = rng.uniform(DType.FLOAT64, -1, 1, rows, in).toDoubleArray();
                double[] want;
                if (aux.equals("linear")) {
                    want = affine(x, rows, in, sv.tensors().get(k + "weight"), sv.tensors().get(k + "bias"));
                } else { // the documented formula with L = 1: z = relu(x W_1^T + b_1); g = z W_2^T + b_2
                    Tensor w0 = sv.tensors().get(k + "0.weight");
                    double[] z = affine(x, rows, in, w0, sv.tensors().get(k + "0.bias"));
                    for (int i = 0; i < z.length; i++) z[i] = Math.max(z[i], 0);
                    want = affine(z, rows, w0.shape()[0], sv.tensors().get(k + "1.weight"),
                            sv.tensors().get(k + "1.bias"));
                    assertThat(sv.tensors().keySet().stream().filter(n -> n.startsWith(k))).hasSize(4);
                }
                double[] got = e.getValue().apply(Var.constant(Tensor.of(x, rows, in))).value().toDoubleArray();
                assertClose(got, want, aux + " " + e.getKey());
            }
        }
    }

    @Test
    void fullFineTuningWritesTheModelAndMetadataOnly() throws Exception {
        Saved sv = save("decoder", "full", "lowrank");
        assertThat(sv.peft()).isNull();
        assertThat(Files.exists(sv.dir().resolve(AdapterCheckpoint.WEIGHTS_FILE))).isFalse();
        assertThat(sv.dir().resolve("model/model.safetensors")).isRegularFile();
        assertThat(sv.meta().get("weights").asText()).isEqualTo("model/");
        assertThat(sv.meta().get("method").asText()).isEqualTo("full");
    }

    @Test
    void taskTypeFollowsTheFamily() throws Exception {
        assertThat(save("encoder", "lora", "lowrank").peft().get("task_type").asText()).isEqualTo("SEQ_CLS");
        assertThat(save("seq2seq", "ia3", "lowrank").peft().get("task_type").asText()).isEqualTo("SEQ_2_SEQ_LM");
        assertThat(save("mlp", "cola", "lowrank").peft().get("task_type").isNull()).isTrue();
        assertThatThrownBy(() -> new AdapterBase("x", "SEQ_CLASSIFICATION", false))
                .hasMessageContaining("task_type 'SEQ_CLASSIFICATION' is not one of");
    }
}

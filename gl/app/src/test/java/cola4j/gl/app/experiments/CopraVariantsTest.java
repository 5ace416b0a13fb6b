package cola4j.gl.app.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.train.AdaLoraSettings;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola copra --lora-variant} and {@code --method adalora} on the tiny float64 decoder: each variant's ΔW
 * (what merges, pruning and Shapley values act on) against its formula evaluated here in plain double loops from
 * the trained parameters (rsLoRA s = α/√r; PiSSA s·B·A − s·B0·A0 against the pretrained W0; DoRA
 * m ⊙ (W0 + s·B·A) / ‖row‖ − W0; AdaLoRA s·B(A ⊙ E), s = α/(r0 + 1e-5)); the study's merges against
 * the linear mean, the task-arithmetic sum and (except DoRA, which has no low-rank form and so no
 * concatenation) the concatenation sum of those ΔWs; the base weights restored bit for bit (PiSSA trains on
 * W_res); progressive activation at p0 = 1 equal to the plain run; and ColA equal to LoRA under progressive
 * masking for every variant (P3 with CopRA's masks).
 */
class CopraVariantsTest {
    static final double ALPHA = 4;

    static CopraConfig cfg(String spec, int steps, double p0) {
        String[] p = spec.split("-");
        LoraVariant v = p.length > 1 ? LoraVariant.parse(p[1]) : LoraVariant.LORA;
        AdaLoraSettings a = p[0].equals("adalora") ? new AdaLoraSettings(3, 2, 1, 1, 1, 0.85, 0.85, 0.5) : null;
        return new CopraConfig("lora", steps, 4, 1e-2, 2, ALPHA, p0, 0.75, 16, 0.5, 0.5, List.of("attn.value"), 50,
                CopraConfig.ShapleyPlayers.LAYERS, cola4j.gl.copra.SparseMerge.SignMethod.TOTAL)
                .withMethod(p[0], v, a);
    }

    static double[][] mat(Tensor t) {
        int r = t.shape()[0], c = t.shape()[1];
        double[] f = t.toDoubleArray();
        double[][] m = new double[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(f, i * c, m[i], 0, c);
        return m;
    }

    /** s · B (A ⊙ e) in loops: B [out, r], A [r, in], e [r] (all ones for LoRA's forms). */
    static double[][] product(double s, double[][] b, double[][] a, double[] e) {
        double[][] d = new double[b.length][a[0].length];
        for (int i = 0; i < b.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                double acc = 0;
                for (int k = 0; k < a.length; k++) acc += b[i][k] * a[k][j] * (e == null ? 1 : e[k]);
                d[i][j] = s * acc;
            }
        }
        return d;
    }

    /** The variant's ΔW of one site from its trained parameters and the pretrained W0, in plain loops. */
    static double[][] expectedDelta(String spec, CopraExperiment.Trained t, String site, double[][] w0) {
        Map<String, Tensor> p = t.parameters().get(site);
        if (spec.equals("adalora")) {
            double[][] e = mat(p.get("lora_E"));
            double[] ev = new double[e.length];
            for (int k = 0; k < e.length; k++) ev[k] = e[k][0];
            return product(ALPHA / (e.length + 1e-5), mat(p.get("lora_B")), mat(p.get("lora_A")), ev);
        }
        double[][] a = mat(p.get("lora_A.weight")), b = mat(p.get("lora_B.weight"));
        int r = a.length;
        double s = spec.endsWith("rslora") ? ALPHA / Math.sqrt(r) : ALPHA / r;
        double[][] d = product(s, b, a, null);
        if (spec.endsWith("pissa")) {
            var init = t.initial().get(site).namedParameters();
            double[][] d0 = product(s, mat(init.get("lora_B.weight").value()), mat(init.get("lora_A.weight").value()),
                    null);
            for (int i = 0; i < d.length; i++) for (int j = 0; j < d[0].length; j++) d[i][j] -= d0[i][j];
        }
        if (spec.endsWith("dora")) {
            double[] m = p.get("lora_magnitude_vector").toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                double n = 0;
                for (int j = 0; j < d[0].length; j++) n += (w0[i][j] + d[i][j]) * (w0[i][j] + d[i][j]);
                n = Math.sqrt(n);
                for (int j = 0; j < d[0].length; j++) d[i][j] = m[i] * (w0[i][j] + d[i][j]) / n - w0[i][j];
            }
        }
        return d;
    }

    /** Asserts |got − want| ≤ 1e-12 · max|want| (exactly 0 when want is 0); returns max|want|. */
    static double assertClose(Tensor got, double[][] want, String what) {
        double[][] g = mat(got);
        double err = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[0].length; j++) {
                err = Math.max(err, Math.abs(g[i][j] - want[i][j]));
                scale = Math.max(scale, Math.abs(want[i][j]));
            }
        }
        assertThat(err).as(what + ": max |got − expected| vs max |expected| " + scale)
                .isLessThanOrEqualTo(1e-12 * scale);
        return scale;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lora-rslora", "lora-pissa", "lora-dora", "cola-pissa", "cola-dora", "adalora"})
    void deltasAndMergesAreTheVariantsOwn(String spec) {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        LinkedHashMap<String, Tensor> base = new LinkedHashMap<>();
        w.model().namedParameters().forEach((k, v) -> base.put(k, v.value().copy()));
        Map<String, double[][]> w0 = new LinkedHashMap<>();
        for (Site s : sites) w0.put(s.name(), mat(s.weight()));
        CopraExperiment e = new CopraExperiment(w, sites, cfg(spec, 6, 0.1));
        List<Task<?>> tasks = List.of(w.downstream("shift", 0), w.downstream("cipher", 0));
        List<CopraExperiment.Trained> trained = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) trained.add(e.train(tasks.get(t), t, true, 3));
        w.model().namedParameters().forEach((k, v) ->
                assertThat(v.value().bitEquals(base.get(k))).as(k + " restored after training").isTrue());

        Map<AuxiliaryMerge.Kind, Map<String, Tensor>> merges = e.merges(trained, 3);
        assertThat(merges.containsKey(AuxiliaryMerge.Kind.CONCAT)).as("concat iff low-rank")
                .isEqualTo(!spec.endsWith("dora"));
        double largest = 0;   // AdaLoRA may mask every triplet of a site that was rarely active: its ΔW is 0
        for (Site s : sites) {
            String n = s.name();
            List<double[][]> d = new ArrayList<>();
            for (CopraExperiment.Trained t : trained) {
                d.add(expectedDelta(spec, t, n, w0.get(n)));
                largest = Math.max(largest, assertClose(t.deltas().get(n), d.get(d.size() - 1), spec + " ΔW at " + n));
            }
            int rows = d.get(0).length, cols = d.get(0)[0].length;
            double[][] sum = new double[rows][cols], mean = new double[rows][cols], ta = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    for (double[][] x : d) sum[i][j] += x[i][j];
                    mean[i][j] = sum[i][j] / d.size();
                    ta[i][j] = 0.5 * sum[i][j];
                }
            }
            assertClose(merges.get(AuxiliaryMerge.Kind.LINEAR).get(n), mean, spec + " linear merge at " + n);
            assertClose(merges.get(AuxiliaryMerge.Kind.TASK_ARITHMETIC).get(n), ta,
                    spec + " task arithmetic at " + n);
            if (!spec.endsWith("dora")) {
                assertClose(merges.get(AuxiliaryMerge.Kind.CONCAT).get(n), sum, spec + " concatenation at " + n);
            }
        }
        assertThat(largest).as(spec + ": the adapters moved (the comparison can fail)").isGreaterThan(1e-8);
    }

    /** CopRA at p0 = 1 activates every layer at every step: the same adapters as the plain run. */
    @ParameterizedTest
    @ValueSource(strings = {"lora-pissa", "cola-dora", "cola-rslora", "adalora"})
    void progressiveAtProbabilityOneIsThePlainVariant(String spec) {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        Task<?> task = w.downstream("shift", 0);
        CopraExperiment.Trained plain = new CopraExperiment(w, sites, cfg(spec, 6, 0.1)).train(task, 0, false, 4);
        CopraExperiment.Trained all = new CopraExperiment(w, sites, cfg(spec, 6, 1.0)).train(task, 0, true, 4);
        CopraExperiment.Trained masked = new CopraExperiment(w, sites, cfg(spec, 6, 0.1)).train(task, 0, true, 4);
        boolean differs = false;
        for (String s : plain.deltas().keySet()) {
            assertThat(all.deltas().get(s).bitEquals(plain.deltas().get(s))).as(spec + " " + s).isTrue();
            differs |= !masked.deltas().get(s).bitEquals(plain.deltas().get(s));
        }
        assertThat(differs).as("p0 = 0.1 masks some steps (the comparison can fail)").isTrue();
    }

    /** ColA ≡ LoRA for every variant, plain and with CopRA's masks (same draws), in float64. */
    @ParameterizedTest
    @ValueSource(strings = {"rslora", "pissa", "dora"})
    void colaEqualsLoraForEachVariantUnderMasking(String variant) {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        Task<?> task = w.downstream("shift", 0);
        for (boolean progressive : new boolean[] {false, true}) {
            CopraExperiment.Trained lora = new CopraExperiment(w, sites, cfg("lora-" + variant, 8, 0.1))
                    .train(task, 0, progressive, 3);
            CopraExperiment.Trained cola = new CopraExperiment(w, sites, cfg("cola-" + variant, 8, 0.1))
                    .train(task, 0, progressive, 3);
            assertThat(cola.bytesSent()).isGreaterThan(0);
            for (String s : lora.deltas().keySet()) {
                Tensor a = lora.deltas().get(s), b = cola.deltas().get(s);
                assertThat(a.maxAbs()).as(s + " trained").isGreaterThan(0);
                assertThat(a.sub(b).maxAbs()).as(variant + " " + s + ": |ΔW_lora − ΔW_cola|")
                        .isLessThanOrEqualTo(1e-10 * a.maxAbs());
            }
        }
    }
}

package cola4j.gl.baselines;

import cola4j.gl.cola.RowRouting;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradCheck;
import cola4j.autograd.Var;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IA3 baseline on the tiny decoder in float64: which sites it scales, that scales of one leave the model
 * unchanged, that a scaling equals the same model with rescaled weights (so it acts on the right side of each
 * site), and that the backprop gradient of the scales matches central finite differences.
 */
class Ia3TrainerTest {
    static final DType F64 = DType.FLOAT64;
    static final int[][] INPUTS = {{1, 4, 2, 9, 0}, {3, 3, 7, 1, 5}}, TARGETS = {{4, 2, 9, 0, 6}, {3, 7, -100, 5, 8}};

    static DecoderLM model() {
        return new DecoderLM(DecoderLMConfig.tiny().withDtype(F64).withDropout(0.0), new Rng(11));
    }

    static Ia3Trainer ia3(DecoderLM m) {
        return new Ia3Trainer(m, p -> new Sgd(p, SgdConfig.plain(0.1)), null, 1, Double.POSITIVE_INFINITY);
    }

    static ForwardContext with(Ia3Trainer t) {
        return ForwardContext.eval().withInterceptor(t.interceptor());
    }

    /** Every scale set to N(1, 0.3²), so no gradient or product is trivial. */
    static void randomize(Ia3Trainer t, long seed) {
        Rng r = new Rng(seed);
        t.scales().values().forEach(l -> l.setValue(r.normal(F64, 1, 0.3, l.shape())));
    }

    @Test
    void scalesExactlyKeyValueAndTheInputOfFc2() {
        DecoderLM m = model();
        Ia3Trainer t = ia3(m);
        assertThat(t.scales().keySet()).containsExactly("blocks.0.attn.key", "blocks.0.attn.value", "blocks.0.mlp.fc2",
                "blocks.1.attn.key", "blocks.1.attn.value", "blocks.1.mlp.fc2");
        Map<String, Site> sites = m.sites();
        for (int b = 0; b < 2; b++) {
            String p = "blocks." + b + ".";
            assertThat(t.scales().get(p + "attn.key").shape()).containsExactly(sites.get(p + "attn.key").outFeatures());
            assertThat(t.scales().get(p + "attn.value").shape())
                    .containsExactly(sites.get(p + "attn.value").outFeatures());
            // fc2's input is the MLP's hidden layer, the output of fc1 (4C wide)
            assertThat(t.scales().get(p + "mlp.fc2").shape()).containsExactly(sites.get(p + "mlp.fc1").outFeatures());
        }
        assertThat(t.optimizer().parameters().keySet()).containsExactly(
                "blocks.0.attn.key.ia3_l", "blocks.0.attn.value.ia3_l", "blocks.0.mlp.fc2.ia3_l",
                "blocks.1.attn.key.ia3_l", "blocks.1.attn.value.ia3_l", "blocks.1.mlp.fc2.ia3_l");
        m.namedParameters().values().forEach(v -> assertThat(v.requiresGrad()).isFalse());
    }

    @Test
    void scalesOfOneLeaveTheModelUnchanged() {
        DecoderLM m = model();
        Tensor base = m.forward(INPUTS, ForwardContext.eval()).value();
        Ia3Trainer t = ia3(m);
        t.scales().values().forEach(l -> assertThat(l.value().bitEquals(Tensor.ones(F64, l.shape()))).isTrue());
        Tensor adapted = m.forward(INPUTS, with(t)).value();
        assertThat(adapted.maxAbsDiff(base)).isLessThanOrEqualTo(1e-15 * base.maxAbs());
    }

    /** l_k ⊙ k = x (diag(l_k) W_k)ᵀ + l_k ⊙ b_k; same for v; (l_ff ⊙ a) W₂ᵀ = a (W₂ diag(l_ff))ᵀ. */
    @Test
    void aScalingEqualsTheModelWithRescaledWeights() {
        DecoderLM m = model();
        Ia3Trainer t = ia3(m);
        randomize(t, 5);
        Tensor adapted = m.forward(INPUTS, with(t)).value();

        DecoderLM ref = model();
        t.scales().forEach((name, l) -> {
            Site s = ref.sites().get(name);
            Tensor w = s.weight(), dw = Tensor.zeros(F64, w.shape());
            boolean input = name.endsWith("mlp.fc2");
            int out = w.dim(0), in = w.dim(1);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    dw.setFlat(o * in + i, (l.value().getFlat(input ? i : o) - 1) * w.getFlat(o * in + i));
                }
            }
            Tensor db = null;
            if (s.bias() != null && !input) {
                db = Tensor.zeros(F64, out);
                for (int o = 0; o < out; o++) db.setFlat(o, (l.value().getFlat(o) - 1) * s.bias().getFlat(o));
            }
            s.addDelta(dw, db);
        });
        Tensor rescaled = ref.forward(INPUTS, ForwardContext.eval()).value();
        double rel = adapted.maxAbsDiff(rescaled) / rescaled.maxAbs();
        System.out.printf("IA3 vs rescaled weights: max rel diff %.3e%n", rel);
        assertThat(rel).isLessThanOrEqualTo(1e-13);
        assertThat(adapted.maxAbsDiff(model().forward(INPUTS, ForwardContext.eval()).value()))
                .as("the scaling changed the output").isGreaterThan(1e-3);
    }

    @Test
    void scaleGradientsMatchCentralFiniteDifferences() {
        DecoderLM m = model();
        Ia3Trainer t = ia3(m);
        randomize(t, 6);
        t.scales().values().forEach(Var::zeroGrad);
        m.loss(INPUTS, TARGETS, with(t)).backward();
        LinkedHashMap<String, Tensor> grads = new LinkedHashMap<>();
        t.scales().forEach((n, l) -> grads.put(n, l.grad()));

        GradCheck.Result r = GradCheck.checkParams(() -> m.loss(INPUTS, TARGETS, with(t)), t.scales(), grads,
                Integer.MAX_VALUE, 0, GradCheck.Config.MODEL)
                        .require("IA3 scale gradients vs central differences", 1e-7);
        System.out.printf("IA3 scale gradients vs central differences: %s%n", r);
    }

    @Test
    void aStepMovesOnlyTheScales() {
        DecoderLM m = model();
        Map<String, Tensor> base = new LinkedHashMap<>();
        m.namedParameters().forEach((n, v) -> base.put(n, v.value().copy()));
        Ia3Trainer t = ia3(m);
        t.step(ctx -> m.loss(INPUTS, TARGETS, ctx), RowRouting.single(0, INPUTS.length), null);
        assertThat(t.scales().values())
                .anySatisfy(l -> assertThat(l.value().maxAbsDiff(Tensor.ones(F64, l.shape()))).isGreaterThan(1e-6));
        m.namedParameters().forEach((n, v) -> assertThat(v.value().bitEquals(base.get(n))).as(n).isTrue());
        List<String> noGrad = m.namedParameters().entrySet().stream().filter(e -> e.getValue().grad() != null)
                .map(Map.Entry::getKey).toList();
        assertThat(noGrad).isEmpty();
    }
}

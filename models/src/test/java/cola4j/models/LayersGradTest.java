package cola4j.models;

import static cola4j.autograd.GradCheck.Config.MODEL;
import static cola4j.autograd.GradCheck.MODEL_TOL;
import static cola4j.autograd.GradCheck.checkParams;
import static cola4j.autograd.GradCheck.project;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Activations;
import cola4j.autograd.Var;
import cola4j.models.layers.Embedding;
import cola4j.models.layers.LayerNorm;
import cola4j.models.layers.Linear;
import cola4j.models.layers.MultiHeadAttention;
import cola4j.models.layers.TransformerBlock;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every layer's gradients (parameters and input) against central finite differences, float64: {@link
 * cola4j.autograd.GradCheck#checkParams} with {@code Config.MODEL} (h = 1e-6) and {@code MODEL_TOL} (1e-6 relative,
 * 1e-8 absolute below the 1e-2 floor) on a random projection of each output.
 */
class LayersGradTest {
    static final DType F64 = DType.FLOAT64;

    static Var input(long seed, int... shape) {
        return Var.param(new Rng(seed).normal(F64, 0, 1, shape));
    }

    static Map<String, Var> with(Map<String, Var> params, String name, Var x) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>(params);
        m.put(name, x);
        return m;
    }

    /** A fresh training context with the same dropout masks on every call. */
    static ForwardContext train() {
        return ForwardContext.train(new Rng(99));
    }

    @Test
    void linear() {
        Linear l = new Linear("fc", 5, 3, true, F64, new Rng(1));
        Var x = input(2, 2, 4, 5);
        Map<String, Var> vars = with(l.namedParameters(), "x", x);
        int n = checkParams(() -> project(l.forward(x, ForwardContext.eval()), 3), vars, 100, 4, MODEL)
                .require("linear", MODEL_TOL).checked();
        assertThat(n).isEqualTo(15 + 3 + 40);
    }

    @Test
    void linearMatchesFormula() {
        Linear l = new Linear("fc", 4, 3, true, F64, new Rng(1));
        Tensor x = new Rng(2).normal(F64, 0, 1, 6, 4);
        Tensor h = l.forward(Var.constant(x), ForwardContext.eval()).value();
        for (int r = 0; r < 6; r++) {
            for (int o = 0; o < 3; o++) {
                double want = l.bias().getFlat(o);
                for (int i = 0; i < 4; i++) want += x.get(r, i) * l.weight().get(o, i);
                assertThat(h.get(r, o)).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-14));
            }
        }
        double bound = 1 / Math.sqrt(4);
        assertThat(l.weight().maxAbs()).isLessThanOrEqualTo(bound);
        assertThat(l.bias().maxAbs()).isLessThanOrEqualTo(bound);
    }

    @Test
    void embedding() {
        Embedding e = new Embedding("embed", 7, 4, F64, new Rng(1));
        int[][] ids = {{1, 3, 3}, {6, 0, 1}};
        checkParams(() -> project(e.forward(ids, ForwardContext.eval()), 3), e.namedParameters(), 100, 4, MODEL)
                .require("embedding", MODEL_TOL);
        assertThat(e.forward(ids, ForwardContext.eval()).value().get(1, 0, 2)).isEqualTo(e.weight().get(6, 2));
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm("ln", 6, F64);
        ln.namedParameters().get("weight").value().copyFrom(new Rng(5).normal(F64, 1, 0.3, 6));
        ln.namedParameters().get("bias").value().copyFrom(new Rng(6).normal(F64, 0, 0.3, 6));
        Var x = input(2, 3, 2, 6);
        checkParams(() -> project(ln.forward(x), 3), with(ln.namedParameters(), "x", x), 100, 4, MODEL)
                .require("layerNorm", MODEL_TOL);
    }

    @Test
    void layerNormNormalizes() {
        LayerNorm ln = new LayerNorm("ln", 6, F64);
        Tensor y = ln.forward(Var.constant(new Rng(2).normal(F64, 3, 2, 4, 6))).value();
        Tensor mean = y.mean(false, -1), var = y.pow(2).mean(false, -1);
        assertThat(mean.maxAbs()).isLessThan(1e-14);
        // biased variance of the output is σ²/(σ² + ε): just under 1
        for (int i = 0; i < 4; i++) assertThat(var.getFlat(i)).isBetween(0.99, 1.0);
    }

    /**
     * The module delegates to autograd's layerNorm: values, dγ and dβ equal its former inline formula bitwise, dx to
     * ≤ 1e-13 relative in float64 (the fused kernel's VJP).
     */
    @Test
    void layerNormBitIdenticalToItsFormerInlineFormula() {
        for (DType dt : DType.values()) {
            LayerNorm ln = new LayerNorm("ln", 6, dt);
            Var w = ln.namedParameters().get("weight"), b = ln.namedParameters().get("bias");
            w.value().copyFrom(new Rng(5).normal(dt, 1, 0.3, 6));
            b.value().copyFrom(new Rng(6).normal(dt, 0, 0.3, 6));
            Tensor x0 = new Rng(7).normal(dt, 0.5, 2, 3, 4, 6), r = new Rng(8).normal(dt, 0, 1, 3, 4, 6);
            Var x = Var.param(x0);
            Var y = ln.forward(x);
            y.mul(Var.constant(r)).sum(false).backward();
            Tensor[] got = {y.value(), x.grad(), w.grad(), b.grad()};
            Var x2 = Var.param(x0), w2 = Var.param(w.value()), b2 = Var.param(b.value());
            Var centered = x2.sub(x2.mean(true, -1));
            Var variance = centered.pow(2).mean(true, -1);
            Var y2 = centered.div(variance.add(LayerNorm.EPS).sqrt()).mul(w2).add(b2);
            y2.mul(Var.constant(r)).sum(false).backward();
            Tensor[] want = {y2.value(), x2.grad(), w2.grad(), b2.grad()};
            // the engine runs the fused kernel (autograd Normalization.layerNorm): output, dγ and dβ stay bitwise the
            // formula's; dx is the kernel's closed-form VJP, equal to the chain rule to rounding (FusedKernelsTest)
            for (int i : new int[] {0, 2, 3}) {
                assertThat(got[i].bitEquals(want[i])).as(dt + " output/grad " + i).isTrue();
            }
            double tol = dt == DType.FLOAT64 ? 1e-13 : 1e-5;
            assertThat(got[1].sub(want[1]).maxAbs() / want[1].maxAbs()).as(dt + " dx").isLessThanOrEqualTo(tol);
        }
    }

    /** The module's masks (now autograd's Dropout) equal its former inline rule bit for bit, with the same draws. */
    @Test
    void dropoutBitIdenticalToItsFormerInlineRule() {
        for (DType dt : DType.values()) {
            Tensor x0 = new Rng(3).normal(dt, 0, 1, 4, 7, 5);
            Rng rng = new Rng(11), ref = new Rng(11);
            cola4j.models.layers.Dropout d = new cola4j.models.layers.Dropout(0.3);
            Tensor got = d.forward(Var.constant(x0), ForwardContext.train(rng)).value();
            Tensor u = ref.uniform(dt, 0, 1, x0.shape());
            Tensor want = x0.mul(u.ge(Tensor.scalar(dt, 0.3)).mul(1.0 / (1.0 - 0.3)));
            assertThat(got.bitEquals(want)).as(dt.toString()).isTrue();
            assertThat(rng.nextDouble()).as("same number of draws").isEqualTo(ref.nextDouble());
        }
    }

    @Test
    void gelu() {
        Var x = input(2, 3, 5);
        checkParams(() -> project(Activations.gelu(x), 3), Map.of("x", x), 100, 4, MODEL)
                .require("gelu", MODEL_TOL);
        double v = 1.3, want = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        assertThat(Activations.gelu(Var.constant(Tensor.scalar(v))).value().item())
                .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void selfAttentionCausalWithPaddingAndDropout() {
        MultiHeadAttention a = new MultiHeadAttention("attn", 8, 2, 0.2, F64, new Rng(1));
        Var x = input(2, 2, 4, 8);
        int[][] mask = {{1, 1, 1, 0}, {1, 1, 1, 1}};
        Map<String, Var> vars = with(a.namedParameters(), "x", x);
        checkParams(() -> project(a.forward(x, x, true, mask, train()), 3), vars, 12, 4, MODEL)
                .require("selfAttentionCausalWithPaddingAndDropout", MODEL_TOL);
    }

    @Test
    void crossAttentionWithMemoryPadding() {
        MultiHeadAttention a = new MultiHeadAttention("cross", 8, 4, 0.0, F64, new Rng(1));
        Var q = input(2, 2, 3, 8), m = input(5, 2, 5, 8);
        int[][] mask = {{1, 1, 0, 0, 0}, {1, 1, 1, 1, 1}};
        Map<String, Var> vars = with(with(a.namedParameters(), "q", q), "memory", m);
        checkParams(() -> project(a.forward(q, m, false, mask, ForwardContext.eval()), 3), vars, 12, 4, MODEL)
                .require("crossAttentionWithMemoryPadding", MODEL_TOL);
    }

    @Test
    void decoderBlockWithCrossAttention() {
        TransformerBlock b = new TransformerBlock("decoder.blocks.0", 8, 2, 0.1, true, true, F64, new Rng(1));
        Var x = input(2, 2, 4, 8), m = input(5, 2, 3, 8);
        Map<String, Var> vars = with(with(b.namedParameters(), "x", x), "memory", m);
        int[][] memoryMask = {{1, 1, 0}, {1, 1, 1}};
        checkParams(() -> project(b.forward(x, null, m, memoryMask, train()), 3), vars, 6, 4, MODEL)
                .require("decoderBlockWithCrossAttention", MODEL_TOL);
    }

    @Test
    void encoderBlock() {
        TransformerBlock b = new TransformerBlock("blocks.0", 8, 2, 0.0, false, false, F64, new Rng(1));
        Var x = input(2, 2, 4, 8);
        checkParams(() -> project(b.forward(x, new int[][] {{1, 1, 1, 0}, {1, 1, 1, 1}}, ForwardContext.eval()), 3),
                with(b.namedParameters(), "x", x), 6, 4, MODEL).require("encoderBlock", MODEL_TOL);
    }
}

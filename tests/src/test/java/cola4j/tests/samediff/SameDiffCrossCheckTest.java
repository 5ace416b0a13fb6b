package cola4j.tests.samediff;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Activations;
import cola4j.autograd.Losses;
import cola4j.autograd.Normalization;
import cola4j.autograd.Reduction;
import cola4j.autograd.Var;
import cola4j.oracle.SameDiffOracle;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * cola4j autograd against SameDiff in float64: same weights, same computation, loss values and every
 * parameter gradient equal to {@link #TOL} relative (max-norm, see {@link SameDiffOracle#relError}).
 * Both sides compute in IEEE double with different op orderings, so agreement is ~1e-15–1e-13; 1e-10 leaves
 * room for summation-order differences in longer reductions while any wrong VJP is off by O(1).
 */
class SameDiffCrossCheckTest {
    static final double TOL = 1e-10;

    private static Tensor randn(long seed, int... shape) {
        return new Rng(seed).normal(DType.FLOAT64, 0, 1, shape);
    }

    /** Asserts loss and gradients agree; vars maps the oracle's parameter names to our leaves. */
    private static void assertAgree(String what, Var loss, SameDiffOracle.Result ref, Map<String, Var> vars) {
        double lossErr = SameDiffOracle.relError(loss.value().item(), ref.loss());
        System.out.printf("SameDiff %-28s loss %.15g rel %.2e%n", what, ref.loss(), lossErr);
        assertThat(lossErr).as(what + " loss " + loss.value().item() + " vs " + ref.loss()).isLessThanOrEqualTo(TOL);
        for (var e : vars.entrySet()) {
            Tensor ours = e.getValue().grad();
            Tensor theirs = ref.grads().get(e.getKey());
            assertThat(ours).as(what + " grad " + e.getKey()).isNotNull();
            double err = SameDiffOracle.relError(ours, theirs);
            System.out.printf("SameDiff %-28s grad %-6s rel %.2e (max|g| %.3g)%n", what, e.getKey(), err,
                    theirs.maxAbs());
            assertThat(theirs.maxAbs()).as("non-trivial reference gradient").isGreaterThan(1e-6);
            assertThat(err).as(what + " grad " + e.getKey()).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void matmulChain() {
        Tensor a = randn(1, 3, 4), b = randn(2, 4, 5), c = randn(3, 6, 5), p = randn(4, 3, 6);
        // ours: L = Σ P ⊙ ((A·B)·Cᵀ)
        Var va = Var.param(a), vb = Var.param(b), vc = Var.param(c);
        Var loss = va.matmul(vb).matmul(vc, false, true).mul(Var.constant(p)).sum(false);
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable sa = o.param("a", a), sb = o.param("b", b), sc = o.param("c", c);
        SDVariable ab = sa.mmul(sb);
        SDVariable abc = o.sd().mmul(ab, sc, false, true, false);
        SDVariable sl = abc.mul(o.constant("p", p)).sum();
        assertAgree("matmul chain", loss, o.run(sl), Map.of("a", va, "b", vb, "c", vc));
    }

    @Test
    void batchedMatmulWithTransposes() {
        Tensor a = randn(11, 2, 4, 3), b = randn(12, 2, 5, 4), p = randn(13, 2, 3, 5);
        // ours: L = Σ P ⊙ (Aᵀ·Bᵀ) per batch, A [2,4,3], B [2,5,4] -> [2,3,5]
        Var va = Var.param(a), vb = Var.param(b);
        Var loss = va.matmul(vb, true, true).mul(Var.constant(p)).sum(false);
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable prod = o.sd().mmul(o.param("a", a), o.param("b", b), true, true, false);
        assertAgree("batched matmul TT", loss, o.run(prod.mul(o.constant("p", p)).sum()), Map.of("a", va, "b", vb));
    }

    @Test
    void softmaxCrossEntropyWithIgnoredRows() {
        Tensor logits = randn(21, 6, 5).mul(2.0);
        int[] targets = {4, -100, 0, 2, 2, -100};
        Var z = Var.param(logits);
        Var loss = Losses.crossEntropy(z, targets, -100, Reduction.MEAN);
        loss.backward();

        // SameDiff's own fused softmax cross-entropy; ignored rows get weight 0, mean over non-zero weights
        // (per-row weights must be rank 1 [N]: [N, 1] fails the _grad op's validation in M2.1)
        Tensor oneHot = Tensor.zeros(DType.FLOAT64, 6, 5), weights = Tensor.zeros(DType.FLOAT64, 6);
        for (int i = 0; i < 6; i++) {
            if (targets[i] == -100) continue;
            oneHot.setFlat(i * 5 + targets[i], 1);
            weights.setFlat(i, 1);
        }
        SameDiffOracle o = new SameDiffOracle();
        SDVariable sl = o.sd().loss().softmaxCrossEntropy("ce", o.constant("labels", oneHot), o.param("z", logits),
                o.constant("w", weights), LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        assertAgree("softmax CE (ignore, mean)", loss, o.run(sl), Map.of("z", z));
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = randn(31, 3, 7).mul(3.0), p = randn(32, 3, 7), q = randn(33, 3, 7);
        Var vx = Var.param(x);
        Var loss = Activations.softmax(vx, -1).mul(Var.constant(p)).sum(false)
                .add(Activations.logSoftmax(vx, 1).mul(Var.constant(q)).sum(false));
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable sx = o.param("x", x);
        // logSoftmax without a dimension (= last axis): in ND4J 1.0.0-M2.1 logSoftmax(x, dim) fails to build
        // ("Error setting property ... LogSoftMax: NoSuchMethodException Integer.values()").
        SDVariable sl = o.sd().nn().softmax(sx, 1).mul(o.constant("p", p)).sum()
                .add(o.sd().nn().logSoftmax(sx).mul(o.constant("q", q)).sum());
        assertAgree("softmax + logSoftmax", loss, o.run(sl), Map.of("x", vx));
    }

    @Test
    void layerNorm() {
        Tensor x = randn(41, 2, 3, 8), gamma = randn(42, 8), beta = randn(43, 8), p = randn(44, 2, 3, 8);
        Var vx = Var.param(x), vg = Var.param(gamma), vb = Var.param(beta);
        Var loss = Normalization.layerNorm(vx, vg, vb, 1e-5).mul(Var.constant(p)).sum(false);
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable y = o.layerNorm(o.param("x", x), o.param("gamma", gamma), o.param("beta", beta), 1e-5, 2);
        assertAgree("layerNorm", loss, o.run(y.mul(o.constant("p", p)).sum()),
                Map.of("x", vx, "gamma", vg, "beta", vb));
    }

    @Test
    void geluMlpWithCrossEntropy() {
        Tensor x = randn(51, 5, 4), w1 = randn(52, 4, 8).mul(0.5), b1 = randn(53, 8).mul(0.1);
        Tensor w2 = randn(54, 8, 3).mul(0.5), b2 = randn(55, 3).mul(0.1);
        int[] targets = {0, 2, 1, 1, 0};
        Var vx = Var.param(x), vw1 = Var.param(w1), vb1 = Var.param(b1), vw2 = Var.param(w2), vb2 = Var.param(b2);
        Var h = Activations.gelu(vx.matmul(vw1).add(vb1));                 // [5, 8]
        Var loss = Losses.crossEntropy(h.matmul(vw2).add(vb2), targets, -100, Reduction.MEAN);
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable sh = o.gelu(o.param("x", x).mmul(o.param("w1", w1)).add(o.param("b1", b1)));
        SDVariable logits = sh.mmul(o.param("w2", w2)).add(o.param("b2", b2));
        Tensor oneHot = Tensor.oneHot(DType.FLOAT64, targets, 3);
        // cross-entropy from SameDiff primitives this time: -mean_i Σ_c onehot ⊙ logSoftmax
        SDVariable sl = o.sd().nn().logSoftmax(logits).mul(o.constant("onehot", oneHot)).sum().mul(-1.0 / 5);
        Map<String, Var> vars = new LinkedHashMap<>();
        vars.put("x", vx);
        vars.put("w1", vw1);
        vars.put("b1", vb1);
        vars.put("w2", vw2);
        vars.put("b2", vb2);
        assertAgree("GELU MLP + CE", loss, o.run(sl), vars);
    }

    @Test
    void nodeUsedTwice() {
        Tensor x = randn(61, 3, 4), w = randn(62, 4, 4);
        // v = tanh(x·W); L = Σ v⊙v + Σ exp(v)·0.5 + Σ (v·W)   (v feeds three consumers, W two)
        Var vx = Var.param(x), vw = Var.param(w);
        Var v = vx.matmul(vw).tanh();
        Var loss = v.mul(v).sum(false).add(v.exp().mul(0.5).sum(false)).add(v.matmul(vw).sum(false));
        loss.backward();

        SameDiffOracle o = new SameDiffOracle();
        SDVariable sw = o.param("w", w);
        SDVariable sv = o.sd().math().tanh(o.param("x", x).mmul(sw));
        SDVariable sl = sv.mul(sv).sum().add(o.sd().math().exp(sv).mul(0.5).sum()).add(sv.mmul(sw).sum());
        assertAgree("node used twice", loss, o.run(sl), Map.of("x", vx, "w", vw));
    }
}

package cola4j.tests.samediff;

import cola4j.autograd.Var;
import cola4j.oracle.SameDiffOracle;
import cola4j.oracle.SdTransformer;
import cola4j.models.ForwardContext;
import cola4j.models.layers.TransformerBlock;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One pre-LN {@link TransformerBlock} (float64, eval mode) against the block rebuilt in SameDiff from
 * docs/models.md ({@link SdTransformer#block}): the output [B, T, C] and the gradients of L = Σ P ⊙ out (P fixed,
 * random) with respect to every parameter, the block input and (cross-attention) the encoder memory.
 *
 * <p>Tolerance {@link #TOL} = 1e-10 max-norm relative: both sides evaluate the same formula in IEEE double with
 * different kernels and summation orders (reductions over C = 8, 4C = 32, T ≤ 5), so honest agreement is
 * ~1e-15–1e-13; a wrong mask, scale, head split or VJP is off by O(1e-3) or more.
 */
class SameDiffBlockTest {
    static final double TOL = 1e-10;
    static final int B = 3, T = 5, S = 4, C = 8, NH = 2;

    /** Right padding in row 1; row 2 is left-padded, so with the causal mask its first query sees no key at all. */
    static final int[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {0, 0, 1, 1, 1}};
    static final int[][] MEMORY_MASK = {{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 0}};

    @Test
    void nonCausalWithKeyPadding() {
        check("block non-causal", false, false, MASK, 101);
    }

    @Test
    void causalWithKeyPadding() {
        check("block causal", true, false, MASK, 102);
    }

    @Test
    void causalNoMask() {
        check("block causal no mask", true, false, null, 103);
    }

    @Test
    void causalWithCrossAttention() {
        check("block causal + cross", true, true, MASK, 104);
    }

    private static void check(String what, boolean causal, boolean cross, int[][] mask, long seed) {
        TransformerBlock block = new TransformerBlock("blocks.0", C, NH, 0.1, causal, cross, DType.FLOAT64,
                new Rng(seed));
        Map<String, Var> params = block.namedParameters();
        Agreement.perturb(params, seed + 1000, 0.1);
        Rng rng = new Rng(seed + 2000);
        Tensor x = rng.normal(DType.FLOAT64, 0, 1, B, T, C), p = rng.normal(DType.FLOAT64, 0, 1, B, T, C);
        Tensor mem = rng.normal(DType.FLOAT64, 0, 1, B, S, C);

        // ours (eval: dropout 0.1 configured but inactive)
        Var vx = Var.param(x), vm = cross ? Var.param(mem) : null;
        Var out = block.forward(vx, mask, vm, cross ? MEMORY_MASK : null, ForwardContext.eval());
        Var loss = out.mul(Var.constant(p)).sum(false);
        loss.backward();

        // SameDiff, activations as [B·T, C]
        SdTransformer sdt = new SdTransformer(new SameDiffOracle(), params, NH);
        SameDiffOracle o = sdt.oracle();
        SDVariable sx = o.param("input", x.reshape(B * T, C));
        SDVariable sm = cross ? o.param("memory", mem.reshape(B * S, C)) : null;
        SDVariable sout = sdt.block("", sx, B, T, C, causal, mask, sm, S, cross ? MEMORY_MASK : null);
        SDVariable sl = sout.mul(sdt.constant(p.reshape(B * T, C))).sum();
        SameDiffOracle.Result ref = o.run(sl);

        Agreement a = new Agreement(what, TOL);
        a.values("output", out.value(), o.eval(sout).reshape(B, T, C));
        a.loss(loss, ref.loss());
        Map<String, Var> ours = new LinkedHashMap<>(params);
        ours.put("input", vx);
        if (cross) ours.put("memory", vm);
        Map<String, Tensor> theirs = new LinkedHashMap<>(ref.grads());
        theirs.put("input", theirs.get("input").reshape(B, T, C));
        if (cross) theirs.put("memory", theirs.get("memory").reshape(B, S, C));
        a.grads(ours, theirs);
        a.summary();
    }
}

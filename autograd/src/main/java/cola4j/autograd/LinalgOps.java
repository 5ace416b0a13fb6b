package cola4j.autograd;

import cola4j.tensor.MatMul;
import cola4j.tensor.Tensor;

/** Matrix products and row gathers (embedding lookup). */
public final class LinalgOps {
    private LinalgOps() {}

    /**
     * C = op(A)·op(B) over the last two axes (batch axes broadcast).
     * VJP (no transposes): dA = dC·Bᵀ, dB = Aᵀ·dC, each summed over broadcast batch axes; with transposes the
     * same identities are applied to op(A), op(B) and transposed back through the flags, never materialized.
     */
    public static Var matmul(Var a, Var b, boolean transA, boolean transB) {
        Tensor av = a.value(), bv = b.value();
        if (bv.rank() == 2 && av.rank() > 2 && !transA) {
            // Linear-layer case: [..., m, k] x [k, n] as one 2-D product over all rows, so that the weight's
            // gradient is one GEMM rather than a batched product followed by a sum. Shapes are checked first, so
            // that an error names the caller's [..., m, k] rather than the flattened [rows, k].
            int[] outShape = MatMul.outputShape(av, bv, false, transB);
            return matmul(a.reshape(-1, av.dim(-1)), b, false, transB).reshape(outShape); // [rows, k] -> [..., m, n]
        }
        return Var.result(av.matmul(bv, transA, transB), "matmul", g -> {
            if (a.requiresGrad()) {
                // d op(A) = g · op(B)ᵀ ; if transA, dA = (d op(A))ᵀ = op(B) · gᵀ
                Tensor ga = transA ? bv.matmul(g, transB, true) : g.matmul(bv, false, !transB);
                a.accumulate(ga.sumTo(av.shape()));
            }
            if (b.requiresGrad()) {
                // d op(B) = op(A)ᵀ · g ; if transB, dB = gᵀ · op(A)
                Tensor gb = transB ? g.matmul(av, true, transA) : av.matmul(g, !transA, false);
                b.accumulate(gb.sumTo(bv.shape()));
            }
        }, a, b);
    }

    /**
     * Embedding lookup: out[k, ...] = table[idx[k], ...], table [n, d] → [idx.length, d].
     * VJP: dTable = scatter-add of g rows into idx (repeated indices accumulate).
     */
    public static Var gatherRows(Var table, int[] idx) {
        int n = table.value().dim(0);
        return Var.result(table.value().gatherRows(idx), "gather_rows", g -> table.accumulate(g.scatterAddRows(idx, n)),
                table);
    }
}

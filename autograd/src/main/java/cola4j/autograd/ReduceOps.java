package cola4j.autograd;

import cola4j.tensor.Tensor;

/** Reductions over axes. Their VJPs broadcast the upstream gradient back over the reduced axes. */
public final class ReduceOps {
    private ReduceOps() {}

    /** z = Σ over axes (all if none). VJP: ga = expand(g with kept dims, shape(a)). */
    public static Var sum(Var a, boolean keepDims, int... axes) {
        Tensor x = a.value();
        return Var.result(x.sum(keepDims, axes), "sum", g -> a.accumulate(keep(g, x, axes).expand(x.shape())), a);
    }

    /** z = mean over axes. VJP: ga = expand(g, shape(a)) / count. */
    public static Var mean(Var a, boolean keepDims, int... axes) {
        Tensor x = a.value();
        int count = x.numel() / Math.max(1, x.sum(true, axes).numel());
        return Var.result(x.mean(keepDims, axes), "mean", g -> a.accumulate(keep(g, x, axes).expand(x.shape()).mul(1.0 / count)), a);
    }

    /**
     * z = max over axes. VJP: g goes to the positions that attain the max, split evenly among ties.
     */
    public static Var max(Var a, boolean keepDims, int... axes) {
        Tensor x = a.value();
        Tensor mk = x.max(true, axes);
        return Var.result(keepDims ? mk : x.max(false, axes), "max", g -> {
            Tensor hit = x.eq(mk);
            Tensor count = hit.sum(true, axes);
            a.accumulate(hit.div(count).mul(keep(g, x, axes)));
        }, a);
    }

    /** Reshapes a reduced gradient to the kept-dims shape (size 1 on every reduced axis). */
    static Tensor keep(Tensor g, Tensor x, int[] axes) {
        int[] kept = x.shape();
        if (axes.length == 0) java.util.Arrays.fill(kept, 1);
        for (int ax : axes) kept[ax < 0 ? ax + kept.length : ax] = 1;
        return g.reshape(kept);
    }
}

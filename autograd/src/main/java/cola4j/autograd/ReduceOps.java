package cola4j.autograd;

import cola4j.tensor.Shapes;
import cola4j.tensor.Tensor;

/**
 * Reductions over axes, all three primitives. Their VJPs broadcast the upstream gradient back over the reduced axes.
 *
 * <p><b>Why mean stays primitive.</b> Composed as mulScalar(sum, 1/count) it would change the numbers: the tensor
 * mean divides the double accumulator by count before rounding to the dtype, whereas sum rounds the accumulator first
 * and the product rounds again with a rounded reciprocal, e.g. (0.1 + 0.2 + 0.4) / 3 = 0.23333333333333336 but
 * (0.1 + 0.2 + 0.4) · (1/3) = 0.23333333333333334.
 */
public final class ReduceOps {
    private ReduceOps() {}

    /** z = Σ over axes (all if none). VJP: ga = expand(g with kept dims, shape(a)). */
    public static Var sum(Var a, boolean keepDims, int... axes) {
        Tensor x = a.value();
        return Var.result(x.sum(keepDims, axes), "sum", g -> a.accumulate(keep(g, x, axes).expand(x.shape())), a);
    }

    /** z = mean over axes. VJP: ga = expand(g, shape(a)) / count, count = Π shape(a)[axes] (all axes if none). */
    public static Var mean(Var a, boolean keepDims, int... axes) {
        Tensor x = a.value();
        Tensor z = x.mean(keepDims, axes); // validates the axes
        int count = reducedCount(x.shape(), axes);
        return Var.result(z, "mean", g -> a.accumulate(keep(g, x, axes).expand(x.shape()).mul(1.0 / count)), a);
    }

    /** Number of elements averaged into each output: the product of the reduced dimensions (axes already validated). */
    static int reducedCount(int[] shape, int[] axes) {
        if (axes.length == 0) return Shapes.numel(shape);
        int count = 1;
        for (int ax : axes) count *= shape[Shapes.axis("mean", ax, shape.length)];
        return count;
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

package cola4j.tensor;

import java.util.Arrays;

/**
 * Reductions over chosen axes (sum, mean, max), accumulated in double, with or without kept dimensions.
 * {@link #sumTo} is the vector-Jacobian product of broadcasting.
 */
final class Reductions {
    private Reductions() {}

    private static boolean[] mark(String op, int rank, int[] axes) {
        boolean[] red = new boolean[rank];
        if (axes.length == 0) Arrays.fill(red, true);
        for (int ax : axes) {
            int a = Shapes.axis(op, ax, rank);
            if (red[a]) {
                throw new IllegalArgumentException(op + ": axis " + ax + " repeated in " + Arrays.toString(axes));
            }
            red[a] = true;
        }
        return red;
    }

    /** Reduced shape with size-1 dims kept in place. */
    private static int[] keptShape(int[] shape, boolean[] red) {
        int[] k = shape.clone();
        for (int i = 0; i < k.length; i++) if (red[i]) k[i] = 1;
        return k;
    }

    private static int[] droppedShape(int[] shape, boolean[] red) {
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> !red[i]).map(i -> shape[i]).toArray();
    }

    /**
     * Core loop: visits every input element once, in flat order, adding it into (or maxing it with) its output, so
     * each output accumulates its inputs in increasing flat index order. Axes of size 1 are dropped and neighbouring
     * axes that are both reduced or both kept are merged (the visiting order stays the same). Large inputs split over
     * the first kept axis ({@link Parallel}): a range of that axis owns its outputs, which see exactly the inputs,
     * in exactly the order, of the serial loop, so the result is bit-identical.
     */
    private static double[] reduce(Tensor t, boolean[] red, boolean max) {
        int[] shape = t.shape();
        double[] acc = new double[Shapes.numel(keptShape(shape, red))];
        if (max) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        if (t.numel() == 0) return acc;
        int r = shape.length, m = 0;
        if (r == 0) {
            acc[0] = t.getFlat(0);
            return acc;
        }
        int[] dims = new int[r + 1];
        boolean[] mred = new boolean[r + 1];
        for (int i = 0; i < r; i++) {
            if (shape[i] == 1) continue;
            if (m > 0 && mred[m - 1] == red[i]) {
                dims[m - 1] *= shape[i];
            } else {
                dims[m] = shape[i];
                mred[m++] = red[i];
            }
        }
        if (m == 0) dims[m++] = 1; // one element
        int[] in = new int[m], os = new int[m];
        for (int i = m - 1, si = 1, so = 1; i >= 0; i--) {
            in[i] = si;
            si *= dims[i];
            os[i] = mred[i] ? 0 : so;
            if (!mred[i]) so *= dims[i];
        }
        int p = 0;
        while (p < m && mred[p]) p++;
        if (p == m) {
            loop(t, Arrays.copyOf(dims, m), in, os, 0, 0, acc, max);
            return acc;
        }
        int axis = p, size = dims[p], rank = m;
        Parallel.forRange(size, t.numel() / size, (lo, hi) -> {
            int[] part = Arrays.copyOf(dims, rank);
            part[axis] = hi - lo;
            loop(t, part, in, os, lo * in[axis], lo * os[axis], acc, max);
        });
        return acc;
    }

    /**
     * Accumulates the input elements at inBase + Σ idx·in (idx over dims, the last axis innermost with in-stride 1)
     * into acc at outBase + Σ idx·os (os 0 on reduced axes).
     */
    private static void loop(Tensor t, int[] dims, int[] in, int[] os, int inBase, int outBase, double[] acc,
            boolean max) {
        int r = dims.length, inner = dims[r - 1], io = os[r - 1];
        int outer = Shapes.numel(dims) / inner;
        int[] idx = new int[r];
        int off = outBase, i = inBase;
        float[] xf = t.f;
        double[] xd = t.d;
        for (int q = 0; q < outer; q++) {
            if (io == 0) {
                // the last axis is reduced: one accumulator, kept in a local (same order of additions as below)
                double a = acc[off];
                if (xf != null) {
                    if (max) for (int j = 0; j < inner; j++) a = Math.max(a, xf[i + j]);
                    else for (int j = 0; j < inner; j++) a += xf[i + j];
                } else {
                    if (max) for (int j = 0; j < inner; j++) a = Math.max(a, xd[i + j]);
                    else for (int j = 0; j < inner; j++) a += xd[i + j];
                }
                acc[off] = a;
            } else if (xf != null) {
                if (max) for (int j = 0; j < inner; j++) acc[off + j * io] = Math.max(acc[off + j * io], xf[i + j]);
                else for (int j = 0; j < inner; j++) acc[off + j * io] += xf[i + j];
            } else {
                if (max) for (int j = 0; j < inner; j++) acc[off + j * io] = Math.max(acc[off + j * io], xd[i + j]);
                else for (int j = 0; j < inner; j++) acc[off + j * io] += xd[i + j];
            }
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                off += os[k];
                i += in[k];
                if (idx[k] < dims[k]) break;
                off -= os[k] * dims[k];
                i -= in[k] * dims[k];
                idx[k] = 0;
            }
        }
    }

    private static Tensor wrap(DType dtype, double[] acc, int[] shape) {
        if (dtype == DType.FLOAT64) return new Tensor(acc, shape);
        float[] f = new float[acc.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) acc[i];
        return new Tensor(f, shape);
    }

    private static int[] shapeOf(Tensor t, boolean keepDims, boolean[] red) {
        return keepDims ? keptShape(t.shape(), red) : droppedShape(t.shape(), red);
    }

    static Tensor sum(Tensor t, boolean keepDims, int... axes) {
        boolean[] red = mark("sum", t.rank(), axes);
        if (Backend.nd4j(t)) return Nd4jKernels.reduce(t, red, "sum", shapeOf(t, keepDims, red));
        double[] acc = reduce(t, red, false);
        return wrap(t.dtype(), acc, keepDims ? keptShape(t.shape(), red) : droppedShape(t.shape(), red));
    }

    static Tensor mean(Tensor t, boolean keepDims, int... axes) {
        boolean[] red = mark("mean", t.rank(), axes);
        if (Backend.nd4j(t)) return Nd4jKernels.reduce(t, red, "mean", shapeOf(t, keepDims, red));
        double[] acc = reduce(t, red, false);
        int count = 1;
        for (int i = 0; i < red.length; i++) if (red[i]) count *= t.shape()[i];
        for (int i = 0; i < acc.length; i++) acc[i] /= count;
        return wrap(t.dtype(), acc, keepDims ? keptShape(t.shape(), red) : droppedShape(t.shape(), red));
    }

    static Tensor max(Tensor t, boolean keepDims, int... axes) {
        boolean[] red = mark("max", t.rank(), axes);
        for (int i = 0; i < red.length; i++) {
            if (red[i] && t.shape()[i] == 0) {
                throw new IllegalArgumentException("max: empty axis " + i + " in shape " + Shapes.str(t.shape()));
            }
        }
        if (Backend.nd4j(t)) return Nd4jKernels.reduce(t, red, "max", shapeOf(t, keepDims, red));
        double[] acc = reduce(t, red, true);
        return wrap(t.dtype(), acc, keepDims ? keptShape(t.shape(), red) : droppedShape(t.shape(), red));
    }

    static double sumAll(Tensor t) {
        if (Backend.nd4j(t)) return Nd4jKernels.sumAll(t);
        double s = 0;
        if (t.f != null) for (float v : t.f) s += v;
        else for (double v : t.d) s += v;
        return s;
    }

    /**
     * Sums {@code t} down to {@code target}, which must broadcast to t's shape: leading extra axes and axes
     * where target has 1 are summed. VJP of {@code expand(target → t.shape)}.
     */
    static Tensor sumTo(Tensor t, int[] target) {
        int[] shape = t.shape();
        if (Arrays.equals(shape, target)) return t;
        int[] b = Shapes.broadcast("sumTo", target, shape);
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("sumTo: " + Shapes.str(target) + " does not broadcast to "
                    + Shapes.str(shape));
        }
        int lead = shape.length - target.length;
        boolean[] red = new boolean[shape.length];
        for (int i = 0; i < shape.length; i++) red[i] = i < lead || (target[i - lead] == 1 && shape[i] != 1);
        if (Backend.nd4j(t)) return Nd4jKernels.reduce(t, red, "sum", target);
        double[] acc = reduce(t, red, false);
        return wrap(t.dtype(), acc, target);
    }
}

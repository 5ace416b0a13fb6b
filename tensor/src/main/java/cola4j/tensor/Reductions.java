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
     * Core loop: visits every input element once, accumulating into the kept-dims output via stride 0 on reduced axes.
     */
    private static double[] reduce(Tensor t, boolean[] red, boolean max) {
        int[] shape = t.shape();
        int[] kept = keptShape(shape, red);
        double[] acc = new double[Shapes.numel(kept)];
        if (max) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        int r = shape.length;
        if (r == 0) {
            acc[0] = t.getFlat(0);
            return acc;
        }
        int[] os = Shapes.broadcastStrides(kept, shape);
        int inner = shape[r - 1], io = os[r - 1];
        int outer = inner == 0 ? 0 : t.numel() / inner;
        int[] idx = new int[r];
        int off = 0, i = 0;
        for (int q = 0; q < outer; q++) {
            if (io == 0) {
                // the last axis is reduced: one accumulator, kept in a local (same order of additions as below)
                double a = acc[off];
                if (t.f != null) {
                    float[] x = t.f;
                    if (max) for (int j = 0; j < inner; j++) a = Math.max(a, x[i++]);
                    else for (int j = 0; j < inner; j++) a += x[i++];
                } else {
                    double[] x = t.d;
                    if (max) for (int j = 0; j < inner; j++) a = Math.max(a, x[i++]);
                    else for (int j = 0; j < inner; j++) a += x[i++];
                }
                acc[off] = a;
            } else if (max) {
                for (int j = 0; j < inner; j++) acc[off + j * io] = Math.max(acc[off + j * io], t.getFlat(i++));
            } else if (t.f != null) {
                float[] x = t.f;
                for (int j = 0; j < inner; j++) acc[off + j * io] += x[i++];
            } else {
                double[] x = t.d;
                for (int j = 0; j < inner; j++) acc[off + j * io] += x[i++];
            }
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                off += os[k];
                if (idx[k] < shape[k]) break;
                off -= os[k] * shape[k];
                idx[k] = 0;
            }
        }
        return acc;
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
        for (int i = 0; i < t.numel(); i++) s += t.getFlat(i);
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

package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bodies of {@link Tensor}'s factories and copying accessors, on the backend that {@link Backend#current()}
 * selects (factories) or that holds the tensor (copies and conversions).
 */
final class TensorFactory {
    private TensorFactory() {}

    private static boolean nd4j() {
        return Backend.current() == Backend.ND4J;
    }

    private static void check(int len, int[] shape) {
        if (Shapes.numel(shape) != len) {
            throw new IllegalArgumentException("tensor: data of length " + len + " does not fill shape "
                    + Shapes.str(shape));
        }
    }

    static Tensor of(double[] data, int[] shape) {
        check(data.length, shape);
        return nd4j() ? Nd4jArrays.upload(data, shape) : new Tensor(data, shape);
    }

    static Tensor of(float[] data, int[] shape) {
        check(data.length, shape);
        return nd4j() ? Nd4jArrays.upload(data, shape) : new Tensor(data, shape);
    }

    static Tensor of(DType dtype, double[] data, int[] shape) {
        return dtype == DType.FLOAT64 ? of(data, shape) : of(floats(data), shape);
    }

    static Tensor zeros(DType dtype, int[] shape) {
        int n = Shapes.numel(shape);
        if (nd4j()) return Nd4jArrays.zeros(dtype, shape);
        return dtype == DType.FLOAT64 ? new Tensor(new double[n], shape) : new Tensor(new float[n], shape);
    }

    static Tensor full(DType dtype, double v, int[] shape) {
        int n = Shapes.numel(shape);
        if (nd4j()) {
            double x = dtype == DType.FLOAT32 ? (float) v : v;
            return Nd4jArrays.wrap(Nd4j.valueArrayOf(Nd4jArrays.longs(shape), x, Nd4jArrays.nd(dtype)), shape);
        }
        if (dtype == DType.FLOAT64) {
            double[] d = new double[n];
            Arrays.fill(d, v);
            return new Tensor(d, shape);
        }
        float[] f = new float[n];
        Arrays.fill(f, (float) v);
        return new Tensor(f, shape);
    }

    static Tensor arange(DType dtype, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(dtype, d, new int[] {n});
    }

    private static float[] floats(double[] d) {
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    /** Row-major flat index of a multi-index, bounds-checked. */
    static int flatIndex(int[] shape, int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("get: index of rank " + idx.length + " for shape " + Shapes.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(idx) + " out of bounds for shape "
                        + Shapes.str(shape));
            }
            flat = flat * shape[i] + idx[i];
        }
        return flat;
    }

    static double[] doubles(Tensor t) {
        if (t.nd != null) {
            if (t.dtype() == DType.FLOAT64) return Nd4jArrays.doubles(t);
            float[] f = Nd4jArrays.floats(t);
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) out[i] = f[i];
            return out;
        }
        if (t.d != null) return t.d.clone();
        double[] out = new double[t.f.length];
        for (int i = 0; i < t.f.length; i++) out[i] = t.f[i];
        return out;
    }

    static float[] floats(Tensor t) {
        if (t.nd != null) return t.dtype() == DType.FLOAT32 ? Nd4jArrays.floats(t) : floats(Nd4jArrays.doubles(t));
        if (t.f != null) return t.f.clone();
        return floats(t.d);
    }

    /** Explicit dtype conversion, a copy on t's backend. */
    static Tensor to(Tensor t, DType target) {
        if (t.nd != null) return Nd4jArrays.wrap(t.nd.castTo(Nd4jArrays.nd(target)).dup('c'), t.shape());
        return target == DType.FLOAT64 ? new Tensor(doubles(t), t.shape()) : new Tensor(floats(t), t.shape());
    }

    static Tensor copy(Tensor t) {
        if (t.nd != null) return Nd4jArrays.wrap(t.nd.dup('c'), t.shape());
        return t.d != null ? new Tensor(t.d.clone(), t.shape()) : new Tensor(t.f.clone(), t.shape());
    }
}

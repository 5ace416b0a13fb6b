package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The storage side of the {@link Backend#ND4J} backend: making ND4J tensors and moving data between them and Java
 * arrays. Every ND4J tensor holds a c-order INDArray whose shape is the tensor's (an ND4J rank-0 scalar for shape
 * []); reshape views share the INDArray's buffer. Every copy between Java memory and an INDArray is counted in
 * {@link Transfers}.
 */
final class Nd4jArrays {
    private Nd4jArrays() {}

    static DataType nd(DType t) {
        return t == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    static DType dtype(DataType t) {
        if (t == DataType.DOUBLE) return DType.FLOAT64;
        if (t == DataType.FLOAT) return DType.FLOAT32;
        throw new IllegalArgumentException("tensor: unsupported ND4J dtype " + t + " (float or double only)");
    }

    static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    /** A tensor over {@code a} (taken, not copied; c-order, shape {@code shape}). */
    static Tensor wrap(INDArray a, int[] shape) {
        return new Tensor(a, shape, new Storage());
    }

    /** A tensor over {@code a} with a's own shape (c-order copy if a is not c-contiguous). */
    static Tensor wrap(INDArray a) {
        int[] shape = Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
        return wrap(contiguous(a), shape);
    }

    /** a itself if it is a c-order array over its whole buffer from offset 0, else a c-order copy. */
    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }

    static Tensor zeros(DType dtype, int[] shape) {
        return wrap(Nd4j.create(nd(dtype), longs(shape)), shape);
    }

    /** Uploads {@code d} (taken by the tensor; copied into the INDArray): one counted upload. */
    static Tensor upload(double[] d, int[] shape) {
        Transfers.upload(d.length);
        return wrap(Nd4j.create(d, longs(shape), DataType.DOUBLE), shape);
    }

    /** As {@link #upload(double[], int[])} for float32. */
    static Tensor upload(float[] f, int[] shape) {
        Transfers.upload(f.length);
        return wrap(Nd4j.create(f, longs(shape), DataType.FLOAT), shape);
    }

    /** The INDArray of an operand: its own, or (a heap tensor) a counted upload of its array. */
    static INDArray of(Tensor t) {
        if (t.nd != null) return t.nd;
        return t.d != null ? upload(t.d.clone(), t.shape()).nd : upload(t.f.clone(), t.shape()).nd;
    }

    /** A copy of an ND4J tensor's elements as doubles (one counted download). */
    static double[] doubles(Tensor t) {
        Transfers.download(t.numel());
        return flat(t.nd).data().asDouble();
    }

    /** A copy of an ND4J tensor's elements as floats (one counted download). */
    static float[] floats(Tensor t) {
        Transfers.download(t.numel());
        return flat(t.nd).data().asFloat();
    }

    /** A c-order array holding exactly a's elements in its buffer (a or a copy). */
    private static INDArray flat(INDArray a) {
        INDArray c = contiguous(a);
        return c.data().length() == c.length() ? c : c.dup('c');
    }

    /** Element at flat row-major index i (a counted element read). */
    static double get(Tensor t, int i) {
        Transfers.elementRead();
        return flatView(t).getDouble(i);
    }

    /** The cached 1-D view of t's buffer (shared by t's reshape views, see {@link Storage#ndFlat}). */
    private static INDArray flatView(Tensor t) {
        INDArray v = t.storage.ndFlat;
        if (v == null) {
            v = t.rank() == 0 ? t.nd.reshape(1) : t.nd.reshape('c', new long[] {t.numel()});
            t.storage.ndFlat = v;
        }
        return v;
    }

    /** Sets the element at flat row-major index i (a counted element write). */
    static void set(Tensor t, int i, double v) {
        Transfers.elementWrite();
        flatView(t).putScalar(i, v);
    }
}

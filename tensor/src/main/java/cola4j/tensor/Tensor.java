package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense, contiguous, row-major n-dimensional array of float32 or float64.
 *
 * <p><b>Design.</b> Tensors are values: every op returns a new tensor and leaves its inputs alone;
 * the only mutators are the explicitly named in-place methods ({@link #addInPlace}, {@link #setFlat},
 * {@link #copyFrom}) used by optimizers and weight merging. Storage is a Java {@code float[]} or
 * {@code double[]}; an ND4J {@link INDArray} with the same contents is produced on demand by
 * {@link #toINDArray()} and accepted by {@link #of(INDArray)}. We measured an ND4J array allocation at
 * 13–18 µs and a small ND4J op at ~35 µs on the 2-core machine, against 0.1–0.7 µs for a heap array,
 * so per-op work stays on the heap and only BLAS calls (see {@link MatMul}) leave it.
 *
 * <p>Shapes are {@code int[]}; a scalar has shape {@code []}. Broadcasting follows NumPy.
 * Shape errors throw {@link IllegalArgumentException} naming the op and the shapes.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    /** exactly one of {@code d} and {@code f} is non-null, matching {@link #dtype} */
    final double[] d;
    final float[] f;
    /** identity, write version and native mirror of the array; shared with reshape views (see {@link Storage}) */
    final Storage storage;

    Tensor(double[] d, int[] shape) {
        this(d, shape, new Storage());
    }

    Tensor(float[] f, int[] shape) {
        this(f, shape, new Storage());
    }

    /** A tensor over {@code d}, whose {@link Storage} is {@code storage} (a reshape view passes its source's). */
    Tensor(double[] d, int[] shape, Storage storage) {
        check(d.length, shape);
        this.dtype = DType.FLOAT64;
        this.shape = shape.clone();
        this.d = d;
        this.f = null;
        this.storage = storage;
    }

    /** A tensor over {@code f}, whose {@link Storage} is {@code storage}. */
    Tensor(float[] f, int[] shape, Storage storage) {
        check(f.length, shape);
        this.dtype = DType.FLOAT32;
        this.shape = shape.clone();
        this.d = null;
        this.f = f;
        this.storage = storage;
    }

    private static void check(int len, int[] shape) {
        if (Shapes.numel(shape) != len) {
            throw new IllegalArgumentException("tensor: data of length " + len + " does not fill shape "
                    + Shapes.str(shape));
        }
    }

    // ------------------------------------------------------------------ factories

    /**
     * A float64 tensor that takes ownership of {@code data} (row-major): change it afterwards only through the
     * tensor's in-place methods, never through the array (a matmul may read a native copy made earlier).
     */
    public static Tensor of(double[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /** A float32 tensor that takes ownership of {@code data} (row-major); as {@link #of(double[], int...)}. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /** A float64 scalar (shape []). */
    public static Tensor scalar(double v) {
        return new Tensor(new double[] {v}, new int[0]);
    }

    /** A scalar of the given dtype. */
    public static Tensor scalar(DType dtype, double v) {
        return full(dtype, v);
    }

    /** All zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        return dtype == DType.FLOAT64 ? new Tensor(new double[n], shape) : new Tensor(new float[n], shape);
    }

    /** All ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** Every element equal to {@code v}. */
    public static Tensor full(DType dtype, double v, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (t.d != null) Arrays.fill(t.d, v);
        else Arrays.fill(t.f, (float) v);
        return t;
    }

    /** Zeros with the dtype and shape of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.dtype, like.shape);
    }

    /** Ones with the dtype and shape of {@code like}. */
    public static Tensor onesLike(Tensor like) {
        return full(like.dtype, 1.0, like.shape);
    }

    /** 0, 1, ..., n-1 as a 1-D tensor. */
    public static Tensor arange(DType dtype, int n) {
        Tensor t = zeros(dtype, n);
        for (int i = 0; i < n; i++) t.setFlat(i, i);
        return t;
    }

    /**
     * Copies an ND4J array (float or double, any order) into a new tensor of the same dtype (see {@link Nd4jInterop}).
     */
    public static Tensor of(INDArray a) {
        return Nd4jInterop.fromINDArray(a);
    }

    // ------------------------------------------------------------------ accessors

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i} (negative counts from the end). */
    public int dim(int i) {
        return shape[Shapes.axis("dim", i, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return d != null ? d.length : f.length;
    }

    /** Bytes of element storage: numel × dtype size. */
    public long bytes() {
        return (long) numel() * dtype.bytes;
    }

    /** Element at a flat row-major index, widened to double. */
    public double getFlat(int i) {
        return d != null ? d[i] : f[i];
    }

    /** Sets the element at a flat index (in place; rounds to float for float32). */
    public void setFlat(int i, double v) {
        storage.version++;
        if (d != null) d[i] = v;
        else f[i] = (float) v;
    }

    /** Element at a multi-index. */
    public double get(int... idx) {
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
        return getFlat(flat);
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has " + numel()
                    + " elements, not 1");
        }
        return getFlat(0);
    }

    /** A copy of the elements as doubles (row-major). */
    public double[] toDoubleArray() {
        if (d != null) return d.clone();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** A copy of the elements as floats (row-major; float64 is rounded). */
    public float[] toFloatArray() {
        if (f != null) return f.clone();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    /** A new ND4J array with the same dtype, shape and contents (c-order; see {@link Nd4jInterop}). */
    public INDArray toINDArray() {
        return Nd4jInterop.toINDArray(this);
    }

    /** Explicit dtype conversion (a copy, also when the dtype already matches). */
    public Tensor to(DType target) {
        return target == DType.FLOAT64 ? new Tensor(toDoubleArray(), shape) : new Tensor(toFloatArray(), shape);
    }

    /** A deep copy. */
    public Tensor copy() {
        return d != null ? new Tensor(d.clone(), shape) : new Tensor(f.clone(), shape);
    }

    // ------------------------------------------------------------------ in-place (optimizers, merging; see InPlace)

    /** this += alpha·other (same shape and dtype), in place. Returns this. */
    public Tensor addInPlace(Tensor other, double alpha) { return InPlace.addScaled(this, other, alpha); }
    /** Overwrites the contents with {@code other}'s (same shape and dtype). Returns this. */
    public Tensor copyFrom(Tensor other) { return InPlace.copy(this, other); }

    // ------------------------------------------------------------------ elementwise (see Elementwise)

    public Tensor add(Tensor o) { return Elementwise.binary(Elementwise.Bin.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(Elementwise.Bin.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(Elementwise.Bin.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(Elementwise.Bin.DIV, this, o); }
    /** Elementwise max(a, b). */
    public Tensor maximum(Tensor o) { return Elementwise.binary(Elementwise.Bin.MAX, this, o); }
    /** 1 where a &gt; b else 0 (same dtype). */
    public Tensor gt(Tensor o) { return Elementwise.binary(Elementwise.Bin.GT, this, o); }
    /** 1 where a &gt;= b else 0. */
    public Tensor ge(Tensor o) { return Elementwise.binary(Elementwise.Bin.GE, this, o); }
    /** 1 where a == b else 0. */
    public Tensor eq(Tensor o) { return Elementwise.binary(Elementwise.Bin.EQ, this, o); }
    public Tensor add(double s) { return Elementwise.scalar(Elementwise.Bin.ADD, this, s); }
    public Tensor mul(double s) { return Elementwise.scalar(Elementwise.Bin.MUL, this, s); }
    public Tensor neg() { return Elementwise.unary(Elementwise.Un.NEG, this, 0); }
    public Tensor exp() { return Elementwise.unary(Elementwise.Un.EXP, this, 0); }
    public Tensor log() { return Elementwise.unary(Elementwise.Un.LOG, this, 0); }
    public Tensor sqrt() { return Elementwise.unary(Elementwise.Un.SQRT, this, 0); }
    public Tensor tanh() { return Elementwise.unary(Elementwise.Un.TANH, this, 0); }
    public Tensor abs() { return Elementwise.unary(Elementwise.Un.ABS, this, 0); }
    /** Elementwise x^p for a scalar exponent. */
    public Tensor pow(double p) { return Elementwise.unary(Elementwise.Un.POW, this, p); }
    /** mask ? a : b, with mask, a, b broadcast together (mask nonzero means true). */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return Elementwise.where(mask, a, b); }

    // ------------------------------------------------------------------ reductions (see Reductions)

    /** Sum over {@code axes} (all axes if none given). */
    public Tensor sum(boolean keepDims, int... axes) { return Reductions.sum(this, keepDims, axes); }
    public Tensor mean(boolean keepDims, int... axes) { return Reductions.mean(this, keepDims, axes); }
    public Tensor max(boolean keepDims, int... axes) { return Reductions.max(this, keepDims, axes); }
    /** Sum of all elements as a double. */
    public double sumAll() { return Reductions.sumAll(this); }
    /** Reduces a broadcast result back to {@code target} shape by summing (the VJP of broadcasting). */
    public Tensor sumTo(int[] target) { return Reductions.sumTo(this, target); }

    // ------------------------------------------------------------------ layout (see Layout)

    /** Same data, new shape; one dimension may be -1. */
    public Tensor reshape(int... newShape) { return Layout.reshape(this, newShape); }
    public Tensor permute(int... perm) { return Layout.permute(this, perm); }
    public Tensor transpose(int a, int b) { return Layout.transpose(this, a, b); }
    /** Broadcasts to {@code target} (NumPy rules), materialized. */
    public Tensor expand(int... target) { return Layout.expand(this, target); }
    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) { return Layout.slice(this, axis, start, end); }
    /** Zero padding along {@code axis}: {@code before} zeros, the data, {@code after} zeros (VJP of slice). */
    public Tensor pad(int axis, int before, int after) { return Layout.pad(this, axis, before, after); }
    public static Tensor concat(int axis, Tensor... parts) { return Layout.concat(axis, parts); }

    // ------------------------------------------------------------------ indexing (see Indexing)

    /** Rows {@code idx} of the first axis: [n, ...] → [idx.length, ...]. */
    public Tensor gatherRows(int[] idx) { return Indexing.gatherRows(this, idx); }
    /** [rows, ...] zeros of shape {@code [n, ...]} with row idx[k] += this[k] (VJP of gatherRows). */
    public Tensor scatterAddRows(int[] idx, int n) { return Indexing.scatterAddRows(this, idx, n); }
    public static Tensor oneHot(DType dtype, int[] labels, int classes) {
        return Indexing.oneHot(dtype, labels, classes);
    }

    // ------------------------------------------------------------------ matmul (see MatMul)

    /** Batched matrix product with NumPy batch broadcasting: [..., m, k] x [..., k, n] → [..., m, n]. */
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o, false, false); }
    /** op(this) x op(o) where op transposes the last two axes when the flag is set. */
    public Tensor matmul(Tensor o, boolean transA, boolean transB) { return MatMul.matmul(this, o, transA, transB); }

    // ------------------------------------------------------------------ inspection and printing
    // (see Inspection, TensorFormat)

    /** True if every element is finite (no NaN, no ±Inf). */
    public boolean isFinite() { return Inspection.isFinite(this); }
    /** Throws {@link IllegalArgumentException} naming {@code what} if any element is NaN or infinite; returns this. */
    public Tensor requireFinite(String what) { return Inspection.requireFinite(this, what); }
    /** Largest |a - b| over all elements (shapes must match). */
    public double maxAbsDiff(Tensor o) { return Inspection.maxAbsDiff(this, o); }
    /** Largest |x| (0 for an empty tensor). */
    public double maxAbs() { return Inspection.maxAbs(this); }
    /** Euclidean norm of all elements, accumulated in double. */
    public double norm() { return Inspection.norm(this); }
    /** Bitwise equality of dtype, shape and every element. */
    public boolean bitEquals(Tensor o) { return Inspection.bitEquals(this, o); }

    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}

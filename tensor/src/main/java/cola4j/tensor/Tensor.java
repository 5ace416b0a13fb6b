package cola4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense, contiguous, row-major n-dimensional array of float32 or float64.
 *
 * <p><b>Design.</b> Tensors are values: every op returns a new tensor and leaves its inputs alone;
 * the only mutators are the explicitly named in-place methods ({@link #addInPlace}, {@link #setFlat},
 * {@link #copyFrom}) used by optimizers and weight merging.
 *
 * <p><b>Storage and backend.</b> With the {@link Backend#HEAP} backend (the default) storage is a Java
 * {@code float[]} or {@code double[]} and the kernels are this package's loops plus OpenBLAS for products: we
 * measured an ND4J array allocation at 13–18 µs and a small ND4J op at ~35 µs on the 2-core machine, against
 * 0.1–0.7 µs for a heap array. With {@link Backend#ND4J} (chosen once per process, {@code --backend nd4j}) a tensor
 * holds an ND4J {@link INDArray} instead and every op runs through ND4J ({@link Nd4jKernels}, {@link Nd4jLayout},
 * {@link Nd4jFused}), on the GPU under {@code -Pcuda}. The API is the same; copies between Java arrays and ND4J are
 * counted in {@link Transfers}. {@link #toINDArray()} and {@link #of(INDArray)} stay explicit copies for interop.
 *
 * <p>Shapes are {@code int[]}; a scalar has shape {@code []}. Broadcasting follows NumPy.
 * Shape errors throw {@link IllegalArgumentException} naming the op and the shapes.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    /** exactly one of {@code d}, {@code f} and {@code nd} is non-null; d or f matches {@link #dtype} */
    final double[] d;
    final float[] f;
    /** the ND4J array (c-order, this shape) of an {@link Backend#ND4J} tensor, else null */
    final INDArray nd;
    private final int numel;
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
        this.nd = null;
        this.numel = d.length;
        this.storage = storage;
    }

    /** A tensor over {@code f}, whose {@link Storage} is {@code storage}. */
    Tensor(float[] f, int[] shape, Storage storage) {
        check(f.length, shape);
        this.dtype = DType.FLOAT32;
        this.shape = shape.clone();
        this.d = null;
        this.f = f;
        this.nd = null;
        this.numel = f.length;
        this.storage = storage;
    }

    /** A tensor over the ND4J array {@code nd} (c-order, {@code shape}), sharing {@code storage}. */
    Tensor(INDArray nd, int[] shape, Storage storage) {
        check(Math.toIntExact(nd.length()), shape);
        this.dtype = Nd4jArrays.dtype(nd.dataType());
        this.shape = shape.clone();
        this.d = null;
        this.f = null;
        this.nd = nd;
        this.numel = (int) nd.length();
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
     * tensor's in-place methods, never through the array (a matmul may read a native copy made earlier). With the
     * ND4J backend the data is copied into an INDArray (one counted upload).
     */
    public static Tensor of(double[] data, int... shape) { return TensorFactory.of(data, shape); }
    /** A float32 tensor that takes ownership of {@code data} (row-major); as {@link #of(double[], int...)}. */
    public static Tensor of(float[] data, int... shape) { return TensorFactory.of(data, shape); }
    /** {@code data} in the given dtype (float32 rounds each value): one array, one upload on the ND4J backend. */
    public static Tensor of(DType dtype, double[] data, int... shape) { return TensorFactory.of(dtype, data, shape); }
    /** A float64 scalar (shape []). */
    public static Tensor scalar(double v) { return of(new double[] {v}); }
    /** A scalar of the given dtype. */
    public static Tensor scalar(DType dtype, double v) { return full(dtype, v); }
    /** All zeros. */
    public static Tensor zeros(DType dtype, int... shape) { return TensorFactory.zeros(dtype, shape); }
    /** All ones. */
    public static Tensor ones(DType dtype, int... shape) { return full(dtype, 1.0, shape); }
    /** Every element equal to {@code v} (rounded to float for float32). */
    public static Tensor full(DType dtype, double v, int... shape) { return TensorFactory.full(dtype, v, shape); }
    /** Zeros with the dtype and shape of {@code like}. */
    public static Tensor zerosLike(Tensor like) { return zeros(like.dtype, like.shape); }
    /** Ones with the dtype and shape of {@code like}. */
    public static Tensor onesLike(Tensor like) { return full(like.dtype, 1.0, like.shape); }
    /** 0, 1, ..., n-1 as a 1-D tensor. */
    public static Tensor arange(DType dtype, int n) { return TensorFactory.arange(dtype, n); }

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

    /** Where this tensor's elements live: {@link Backend#ND4J} for an INDArray, else {@link Backend#HEAP}. */
    public Backend backend() {
        return nd != null ? Backend.ND4J : Backend.HEAP;
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
        return numel;
    }

    /** Bytes of element storage: numel × dtype size (the same on both backends). */
    public long bytes() {
        return (long) numel * dtype.bytes;
    }

    /** Element at a flat row-major index, widened to double (an ND4J tensor: a counted element read). */
    public double getFlat(int i) {
        return nd != null ? Nd4jArrays.get(this, i) : d != null ? d[i] : f[i];
    }

    /** Sets the element at a flat index (in place; rounds to float for float32). */
    public void setFlat(int i, double v) {
        storage.version++;
        if (nd != null) Nd4jArrays.set(this, i, v);
        else if (d != null) d[i] = v;
        else f[i] = (float) v;
    }

    /** Element at a multi-index. */
    public double get(int... idx) { return getFlat(TensorFactory.flatIndex(shape, idx)); }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has " + numel
                    + " elements, not 1");
        }
        return getFlat(0);
    }

    /** A copy of the elements as doubles (row-major; an ND4J tensor: one counted download). */
    public double[] toDoubleArray() { return TensorFactory.doubles(this); }
    /** A copy of the elements as floats (row-major; float64 is rounded; ND4J: one counted download). */
    public float[] toFloatArray() { return TensorFactory.floats(this); }

    /** A new ND4J array with the same dtype, shape and contents (c-order; see {@link Nd4jInterop}). */
    public INDArray toINDArray() {
        return Nd4jInterop.toINDArray(this);
    }

    /** Explicit dtype conversion (a copy, also when the dtype already matches). */
    public Tensor to(DType target) { return TensorFactory.to(this, target); }
    /** A deep copy (on this tensor's backend). */
    public Tensor copy() { return TensorFactory.copy(this); }

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

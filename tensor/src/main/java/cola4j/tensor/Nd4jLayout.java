package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The {@link Backend#ND4J} kernels of {@link Layout}, {@link Indexing} and {@link MatMul}, after the heap classes'
 * entry methods have checked the arguments: reshape is an INDArray view over the same buffer (in-place writes are
 * seen through both, as on the heap); permute, expand, slice, pad and concat copy into new c-order arrays; gathers
 * and scatter-adds are libnd4j's {@code gather} and {@code scatter_add}; products go to {@link Nd4j#matmul} (GEMM
 * through the backend's BLAS: OpenBLAS/MKL on the CPU, cuBLAS under {@code -Pcuda}).
 */
final class Nd4jLayout {
    private Nd4jLayout() {}

    static Tensor reshape(Tensor t, int[] s) {
        INDArray x = Nd4jArrays.of(t);
        return new Tensor(x.reshape('c', Nd4jArrays.longs(s)), s, t.nd != null ? t.storage : new Storage());
    }

    static Tensor permute(Tensor t, int[] perm, int[] out) {
        if (t.numel() == 0) return Nd4jArrays.zeros(t.dtype(), out);
        if (t.rank() == 0) return Nd4jArrays.wrap(Nd4jArrays.of(t).dup('c'), out);
        int r = t.rank();
        int[] p = java.util.Arrays.stream(perm).map(k -> k < 0 ? k + r : k).toArray();
        return Nd4jArrays.wrap(Nd4jArrays.of(t).permute(p).dup('c'), out);
    }

    static Tensor expand(Tensor t, int[] target) {
        if (Shapes.numel(target) == 0) return Nd4jArrays.zeros(t.dtype(), target);
        return Nd4jArrays.wrap(Nd4jKernels.broadcast(Nd4jArrays.of(t), target).dup('c'), target);
    }

    static Tensor slice(Tensor t, int axis, int start, int end, int[] out) {
        if (Shapes.numel(out) == 0) return Nd4jArrays.zeros(t.dtype(), out);
        INDArrayIndex[] ix = all(t.rank());
        ix[axis] = NDArrayIndex.interval(start, end);
        return Nd4jArrays.wrap(Nd4jArrays.of(t).get(ix).dup('c'), out);
    }

    static Tensor pad(Tensor t, int axis, int before, int[] out) {
        Tensor res = Nd4jArrays.zeros(t.dtype(), out);
        if (t.numel() == 0) return res;
        INDArrayIndex[] ix = all(t.rank());
        ix[axis] = NDArrayIndex.interval(before, before + t.shape()[axis]);
        res.nd.get(ix).assign(Nd4jArrays.of(t));
        return res;
    }

    static Tensor concat(int axis, Tensor[] parts, int[] out) {
        INDArray[] xs = Arrays.stream(parts).filter(p -> p.numel() > 0).map(Nd4jArrays::of).toArray(INDArray[]::new);
        if (xs.length == 0) return Nd4jArrays.zeros(parts[0].dtype(), out);
        INDArray z = xs.length == 1 ? xs[0].dup('c') : Nd4j.concat(axis, xs);
        return Nd4jArrays.wrap(Nd4jArrays.contiguous(z), out);
    }

    private static INDArrayIndex[] all(int rank) {
        INDArrayIndex[] ix = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) ix[i] = NDArrayIndex.all();
        return ix;
    }

    /** The indices as an INT32 INDArray (a counted upload: they come from Java). */
    private static INDArray indices(int[] idx) {
        Transfers.upload(idx.length);
        return Nd4j.createFromArray(idx.clone());
    }

    /** out[k, ...] = t[idx[k], ...] (indices already checked). */
    static Tensor gatherRows(Tensor t, int[] idx, int[] out) {
        Tensor res = Nd4jArrays.zeros(t.dtype(), out);
        if (res.numel() == 0) return res;
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(Nd4jArrays.of(t), indices(idx)).addOutputs(res.nd)
                .addIntegerArguments(0).build());
        return res;
    }

    /**
     * zeros [n, ...] with row idx[k] += t[k, ...] for k = 0, 1, ... in order (indices already checked; repeats
     * accumulate). libnd4j's {@code scatter_add} is called with its {@code lock} argument set: without it the op
     * splits the index list over its threads (maxThreads, 2 on the 2-core machine), and two threads adding into one
     * row read-modify-write it at once, so an update is lost now and then (an embedding gradient missing a token's
     * contribution: the flaky CrossBackendStepTest of issue 20). Locked, one thread adds the rows in index order,
     * which is also the heap kernel's order, so float64 results are bit-identical (Nd4jScatterTest).
     */
    static Tensor scatterAddRows(Tensor t, int[] idx, int[] out) {
        Tensor res = Nd4jArrays.zeros(t.dtype(), out);
        if (t.numel() == 0) return res;
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(res.nd, indices(idx), Nd4jArrays.of(t))
                .addOutputs(res.nd).addBooleanArguments(true).callInplace(true).build());
        return res;
    }

    /** [labels.length, classes] one-hot, built in Java and uploaded once (the labels come from Java). */
    static Tensor oneHot(DType dtype, int[] labels, int classes) {
        int[] shape = {labels.length, classes};
        if (dtype == DType.FLOAT64) {
            double[] d = new double[labels.length * classes];
            for (int i = 0; i < labels.length; i++) d[i * classes + labels[i]] = 1;
            return Nd4jArrays.upload(d, shape);
        }
        float[] f = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) f[i * classes + labels[i]] = 1;
        return Nd4jArrays.upload(f, shape);
    }

    /**
     * op(A)·op(B) → {@code outShape} [...batch, m, n]. A 2-D B against an N-D A (the linear layer) is one GEMM over
     * A's rows; otherwise both operands are broadcast to the batch and each batch entry is one GEMM.
     */
    static Tensor matmul(Tensor a, Tensor b, boolean tA, boolean tB, int[] outShape) {
        Tensor c = Nd4jArrays.zeros(a.dtype(), outShape);
        int[] sa = a.shape(), sb = b.shape();
        int k = tA ? sa[sa.length - 2] : sa[sa.length - 1];
        if (c.numel() == 0 || k == 0) return c;
        INDArray x = Nd4jArrays.of(a), y = Nd4jArrays.of(b);
        int r = outShape.length, m = outShape[r - 2], n = outShape[r - 1];
        if (sb.length == 2 && !tA) {
            INDArray x2 = x.reshape('c', (long) Shapes.numel(sa) / k, k);
            Nd4j.gemm(x2, y, c.nd.reshape('c', x2.size(0), n), false, tB, 1.0, 0.0);
            return c;
        }
        int[] batch = Arrays.copyOf(outShape, r - 2);
        int nb = Shapes.numel(batch);
        INDArray xb = Nd4jKernels.broadcast(x, concat(batch, sa[sa.length - 2], sa[sa.length - 1]))
                .reshape('c', nb, sa[sa.length - 2], sa[sa.length - 1]);
        INDArray yb = Nd4jKernels.broadcast(y, concat(batch, sb[sb.length - 2], sb[sb.length - 1]))
                .reshape('c', nb, sb[sb.length - 2], sb[sb.length - 1]);
        INDArray cb = c.nd.reshape('c', nb, m, n);
        for (int q = 0; q < nb; q++) {
            INDArrayIndex[] ix = {NDArrayIndex.point(q), NDArrayIndex.all(), NDArrayIndex.all()};
            Nd4j.gemm(xb.get(ix), yb.get(ix), cb.get(ix), tA, tB, 1.0, 0.0);
        }
        return c;
    }

    private static int[] concat(int[] batch, int p, int q) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = p;
        s[batch.length + 1] = q;
        return s;
    }
}

package cola4j.tensor;

import java.lang.ref.Reference;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Batched matrix product C = op(A)·op(B) over the last two axes, where op transposes when asked.
 *
 * <p>Shapes: A [..., m, k] (or [..., k, m] with transA), B [..., k, n] (or [..., n, k] with transB),
 * C [..., m, n]; batch axes broadcast (NumPy). A 2-D B against an N-D A (the Linear layer case) is one GEMM
 * over the flattened rows of A.
 *
 * <p><b>Routing</b> (measured on the 2-core dev machine, see docs/performance.md): products with
 * m·n·k ≤ {@value #TINY} run in a Java loop (at 4×4×4 it takes 0.1 µs against 0.2 µs through JNI; from about
 * 6×6×6 on OpenBLAS wins); the rest go to OpenBLAS {@code cblas_sgemm}/{@code cblas_dgemm} on native copies of
 * the operands. OpenBLAS' Java-array overloads were measured 4–17 % slower than this at every size from 16³ to
 * 512³ (inside JNI they copy all three arrays in and all three back out, through fresh buffers), so they are not
 * used.
 *
 * <p><b>Native memory.</b> Tensors keep their elements in Java arrays (cheap for the many small ops), so a BLAS
 * call needs native copies. Two caches keep those copies cheap; neither changes any result, which depends only on
 * the operands' current values:
 * <ul>
 *   <li>{@link NativeScratch}: per-thread buffers reused across calls (three slots A, B, C, each up to 32 MiB),
 *       instead of three fresh allocations per call, each page-faulted on first touch. Free them with
 *       {@link #releaseThreadScratch()}.</li>
 *   <li>{@link Storage}'s mirror: a native copy of an operand's array that stays attached to the array (shared by
 *       all its reshape views) and is reused while the array is unchanged, so a frozen weight is not copied on every
 *       product. Every in-place write ({@link Tensor#setFlat}, {@link Tensor#addInPlace}, {@link Tensor#copyFrom},
 *       through any view) bumps the storage's version, and a product that finds the mirror older than the storage
 *       copies the array into it again first. Mirrors are made only for arrays ≥ 32 KiB read by a third product at
 *       one version, within a 256 MiB process-wide budget, and freed with their storage.</li>
 * </ul>
 * The one rule this needs from callers: an array given to {@link Tensor#of(double[], int...)} belongs to the
 * tensor, and is changed only through the in-place methods, never written behind the tensor's back.
 * The product C is always copied back into a new heap array. With both caches warm, the remaining overhead over a
 * BLAS call on native operands is allocating and filling that array.
 */
public final class MatMul {
    private MatMul() {}

    /** Products with m·n·k at or below this run in plain Java (crossover measured at 128–216). */
    static final long TINY = 128;

    /**
     * Frees the calling thread's native scratch buffers now (they are otherwise kept for the thread's next product,
     * and freed after the thread ends). Results of later products are unaffected.
     */
    public static void releaseThreadScratch() {
        NativeScratch.releaseThisThread();
    }

    /**
     * Checks that op(A)·op(B) is defined and returns its shape [...batch, m, n]: same dtype, ranks 2 to 4, inner
     * dimensions equal, batch axes broadcastable. Callers that reshape operands before the product (the autograd's
     * linear-layer path) call this first, so that errors name the shapes the caller passed.
     *
     * @throws IllegalArgumentException {@code "matmul: [2, 3, 4] x [5, 6]: inner dimensions 4 and 5 differ"}
     *                                  and the like
     */
    public static int[] outputShape(Tensor a, Tensor b, boolean transA, boolean transB) {
        Elementwise.requireDtype("matmul", a, b);
        int[] sa = a.shape(), sb = b.shape();
        if (sa.length < 2 || sb.length < 2 || sa.length > 4 || sb.length > 4) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + " x " + Shapes.str(sb)
                    + ": operands must have rank 2 to 4");
        }
        int ra = sa.length, rb = sb.length;
        int m = transA ? sa[ra - 1] : sa[ra - 2], ka = transA ? sa[ra - 2] : sa[ra - 1];
        int kb = transB ? sb[rb - 1] : sb[rb - 2], n = transB ? sb[rb - 2] : sb[rb - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + (transA ? "ᵀ" : "") + " x "
                    + Shapes.str(sb) + (transB ? "ᵀ" : "") + ": inner dimensions " + ka + " and " + kb + " differ");
        }
        int[] batchA = Arrays.copyOf(sa, ra - 2), batchB = Arrays.copyOf(sb, rb - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + " x " + Shapes.str(sb)
                    + ": batch dimensions " + Shapes.str(batchA) + " and " + Shapes.str(batchB) + " do not broadcast",
                    e);
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        return outShape;
    }

    static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] outShape = outputShape(a, b, transA, transB);
        int[] sa = a.shape(), sb = b.shape();
        int ra = sa.length, rb = sb.length;
        int m = outShape[outShape.length - 2], n = outShape[outShape.length - 1];
        int ka = transA ? sa[ra - 2] : sa[ra - 1];
        int[] batchA = Arrays.copyOf(sa, ra - 2), batchB = Arrays.copyOf(sb, rb - 2);
        int[] batch = Arrays.copyOf(outShape, outShape.length - 2);
        if (Backend.nd4j(a, b)) return Nd4jLayout.matmul(a, b, transA, transB, outShape);
        Tensor c = Tensor.zeros(a.dtype(), outShape);
        int nb = Shapes.numel(batch);
        if (c.numel() == 0) return c;
        if (rb == 2 && !transA) {
            // [..., m, k] x [k, n]: one GEMM over all rows of A.
            gemm(false, transB, nb * m, n, ka, a, new int[] {0}, b, new int[] {0}, c);
            return c;
        }
        int[] offA = new int[nb], offB = new int[nb];
        int[] stA = Shapes.broadcastStrides(batchA, batch), stB = Shapes.broadcastStrides(batchB, batch);
        int matA = sa[ra - 2] * sa[ra - 1], matB = sb[rb - 2] * sb[rb - 1];
        int[] idx = new int[batch.length];
        for (int q = 0; q < nb; q++) {
            int oa = 0, ob = 0;
            for (int i = 0; i < batch.length; i++) {
                oa += idx[i] * stA[i];
                ob += idx[i] * stB[i];
            }
            offA[q] = oa * matA;
            offB[q] = ob * matB;
            for (int i = batch.length - 1; i >= 0; i--) {
                if (++idx[i] < batch[i]) break;
                idx[i] = 0;
            }
        }
        gemm(transA, transB, m, n, ka, a, offA, b, offB, c);
        return c;
    }

    /** C[q] = op(A at offA[q]) · op(B at offB[q]) for each batch q; C batches are contiguous. */
    private static void gemm(boolean tA, boolean tB, int m, int n, int k, Tensor a, int[] offA, Tensor b, int[] offB,
            Tensor c) {
        int lda = tA ? m : k, ldb = tB ? k : n;
        if ((long) m * n * k <= TINY) {
            for (int q = 0; q < offA.length; q++) {
                javaGemm(tA, tB, m, n, k, a, offA[q], lda, b, offB[q], ldb, c, q * m * n);
            }
            return;
        }
        int ta = tA ? openblas.CblasTrans : openblas.CblasNoTrans,
                tb = tB ? openblas.CblasTrans : openblas.CblasNoTrans;
        NativeScratch s = NativeScratch.get();
        if (a.d != null) {
            DoublePointer ma = a.storage.mirror(a.d), mb = b.storage.mirror(b.d);
            DoublePointer pa = ma != null ? ma : s.doubles(0, a.d.length),
                    pb = mb != null ? mb : s.doubles(1, b.d.length);
            DoublePointer pc = s.doubles(2, c.d.length);
            try {
                if (ma == null) pa.put(a.d);
                if (mb == null) pb.put(b.d);
                for (int q = 0; q < offA.length; q++) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 1.0, pa.position(offA[q]), lda,
                            pb.position(offB[q]), ldb, 0.0, pc.position((long) q * m * n), n);
                }
                pc.position(0).get(c.d);
            } finally {
                if (ma == null) s.recycle(0, pa);
                if (mb == null) s.recycle(1, pb);
                s.recycle(2, pc);
                Reference.reachabilityFence(a); // a mirror is freed once its storage is unreachable
                Reference.reachabilityFence(b);
            }
        } else {
            FloatPointer ma = a.storage.mirror(a.f), mb = b.storage.mirror(b.f);
            FloatPointer pa = ma != null ? ma : s.floats(0, a.f.length), pb = mb != null ? mb : s.floats(1, b.f.length);
            FloatPointer pc = s.floats(2, c.f.length);
            try {
                if (ma == null) pa.put(a.f);
                if (mb == null) pb.put(b.f);
                for (int q = 0; q < offA.length; q++) {
                    openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 1f, pa.position(offA[q]), lda,
                            pb.position(offB[q]), ldb, 0f, pc.position((long) q * m * n), n);
                }
                pc.position(0).get(c.f);
            } finally {
                if (ma == null) s.recycle(0, pa);
                if (mb == null) s.recycle(1, pb);
                s.recycle(2, pc);
                Reference.reachabilityFence(a);
                Reference.reachabilityFence(b);
            }
        }
    }

    /** Reference triple loop (accumulates in double), used for tiny products. */
    private static void javaGemm(boolean tA, boolean tB, int m, int n, int k, Tensor a, int oa, int lda,
                                 Tensor b, int ob, int ldb, Tensor c, int oc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = a.getFlat(oa + (tA ? p * lda + i : i * lda + p));
                    double y = b.getFlat(ob + (tB ? j * ldb + p : p * ldb + j));
                    s += x * y;
                }
                c.setFlat(oc + i * n + j, s);
            }
        }
    }
}

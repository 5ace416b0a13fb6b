package cola4j.tensor;

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
 * <p>Routing: tiny products (m·n·k ≤ {@value #TINY}) run in a Java loop, which beats a JNI call; the rest go
 * to OpenBLAS {@code cblas_sgemm}/{@code cblas_dgemm}. OpenBLAS' Java-array overloads copy arrays in and out
 * twice, so operands are copied once into native buffers and the product is read back once.
 */
public final class MatMul {
    private MatMul() {}

    /** Products with m·n·k at or below this run in plain Java. */
    static final long TINY = 4096;

    static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        Elementwise.requireDtype("matmul", a, b);
        int[] sa = a.shape(), sb = b.shape();
        if (sa.length < 2 || sb.length < 2 || sa.length > 4 || sb.length > 4) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + " x " + Shapes.str(sb) + ": operands must have rank 2 to 4");
        }
        int ra = sa.length, rb = sb.length;
        int m = transA ? sa[ra - 1] : sa[ra - 2], ka = transA ? sa[ra - 2] : sa[ra - 1];
        int kb = transB ? sb[rb - 1] : sb[rb - 2], n = transB ? sb[rb - 2] : sb[rb - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + (transA ? "ᵀ" : "") + " x " + Shapes.str(sb) + (transB ? "ᵀ" : "")
                    + ": inner dimensions " + ka + " and " + kb + " differ");
        }
        int[] batchA = Arrays.copyOf(sa, ra - 2), batchB = Arrays.copyOf(sb, rb - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + Shapes.str(sa) + " x " + Shapes.str(sb) + ": batch dimensions "
                    + Shapes.str(batchA) + " and " + Shapes.str(batchB) + " do not broadcast", e);
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
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
    private static void gemm(boolean tA, boolean tB, int m, int n, int k, Tensor a, int[] offA, Tensor b, int[] offB, Tensor c) {
        int lda = tA ? m : k, ldb = tB ? k : n;
        if ((long) m * n * k <= TINY) {
            for (int q = 0; q < offA.length; q++) javaGemm(tA, tB, m, n, k, a, offA[q], lda, b, offB[q], ldb, c, q * m * n);
            return;
        }
        int ta = tA ? openblas.CblasTrans : openblas.CblasNoTrans, tb = tB ? openblas.CblasTrans : openblas.CblasNoTrans;
        NativeScratch s = NativeScratch.get();
        if (a.d != null) {
            DoublePointer pa = s.doubles(0, a.d.length), pb = s.doubles(1, b.d.length), pc = s.doubles(2, c.d.length);
            try {
                pa.put(a.d);
                pb.put(b.d);
                for (int q = 0; q < offA.length; q++) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 1.0, pa.position(offA[q]), lda,
                            pb.position(offB[q]), ldb, 0.0, pc.position((long) q * m * n), n);
                }
                pc.position(0).get(c.d);
            } finally {
                s.recycle(0, pa);
                s.recycle(1, pb);
                s.recycle(2, pc);
            }
        } else {
            FloatPointer pa = s.floats(0, a.f.length), pb = s.floats(1, b.f.length), pc = s.floats(2, c.f.length);
            try {
                pa.put(a.f);
                pb.put(b.f);
                for (int q = 0; q < offA.length; q++) {
                    openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 1f, pa.position(offA[q]), lda,
                            pb.position(offB[q]), ldb, 0f, pc.position((long) q * m * n), n);
                }
                pc.position(0).get(c.f);
            } finally {
                s.recycle(0, pa);
                s.recycle(1, pb);
                s.recycle(2, pc);
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

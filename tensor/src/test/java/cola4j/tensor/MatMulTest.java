package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batched matmul against a naive triple loop, for 2-D/3-D/4-D operands, all four transpose-flag combinations,
 * NumPy batch broadcasting, and both routes: the Java loop (m·n·k ≤ {@link MatMul#TINY}) and OpenBLAS.
 *
 * <p>Error bound: |c − e| ≤ tol · Σ_p |a_ip·b_pj| (the standard forward bound of a dot product),
 * tol = 1e-13 in float64 and 1e-5 in float32 (sgemm accumulates in float).
 */
class MatMulTest {
    /**
     * Naive C = op(A)·op(B). A is stored as [..., m, k] (or [..., k, m] when transA), B as [..., k, n]
     * (or [..., n, k] when transB). Returns {expected, sum of |terms|} per output element.
     */
    static double[][] naive(Tensor a, Tensor b, boolean tA, boolean tB, int[] out) {
        int[] sa = a.shape(), sb = b.shape();
        int ra = sa.length, rb = sb.length, r = out.length;
        int m = out[r - 2], n = out[r - 1], k = tA ? sa[ra - 2] : sa[ra - 1];
        int[] batchA = Arrays.copyOf(sa, ra - 2), batchB = Arrays.copyOf(sb, rb - 2), batch = Arrays.copyOf(out, r - 2);
        double[] e = new double[Ref.numel(out)], abs = new double[e.length];
        for (int q = 0; q < Ref.numel(batch); q++) {
            int[] bi = Ref.unravel(q, batch);
            int offA = Ref.broadcastFlat(bi, batchA) * sa[ra - 2] * sa[ra - 1];
            int offB = Ref.broadcastFlat(bi, batchB) * sb[rb - 2] * sb[rb - 1];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0, sAbs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a.getFlat(offA + (tA ? p * m + i : i * k + p));
                        double y = b.getFlat(offB + (tB ? j * k + p : p * n + j));
                        s += x * y;
                        sAbs += Math.abs(x * y);
                    }
                    e[(q * m + i) * n + j] = s;
                    abs[(q * m + i) * n + j] = sAbs;
                }
            }
        }
        return new double[][] {e, abs};
    }

    /** Shapes of A and B for logical batch dims, m, k, n and the flags. */
    static int[] shapeA(int[] batch, int m, int k, boolean t) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = t ? k : m;
        s[batch.length + 1] = t ? m : k;
        return s;
    }

    static void check(DType dt, Rng rng, int[] batchA, int[] batchB, int[] batchOut, int m, int k, int n) {
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                Tensor a = Ref.rand(rng, dt, shapeA(batchA, m, k, tA));
                Tensor b = Ref.rand(rng, dt, shapeA(batchB, k, n, tB)); // B stored [k, n], or [n, k] when transposed
                int[] out = shapeA(batchOut, m, n, false);
                double[][] ref = naive(a, b, tA, tB, out);
                Tensor c = a.matmul(b, tA, tB);
                String what = dt + " " + Arrays.toString(a.shape()) + (tA ? "ᵀ" : "") + " x "
                        + Arrays.toString(b.shape()) + (tB ? "ᵀ" : "");
                assertThat(c.dtype()).as(what).isEqualTo(dt);
                assertThat(c.shape()).as(what).containsExactly(out);
                double tol = dt == DType.FLOAT64 ? 1e-13 : 1e-5;
                for (int i = 0; i < c.numel(); i++) {
                    double err = Math.abs(c.getFlat(i) - ref[0][i]);
                    if (err > tol * ref[1][i] + Double.MIN_NORMAL) {
                        throw new AssertionError(what + ": element " + i + " got " + c.getFlat(i)
                                + " expected " + ref[0][i]);
                    }
                }
                if (!tA && !tB) {
                    assertThat(c.bitEquals(a.matmul(b))).as("matmul(b) is matmul(b, false, false)").isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void tinyJavaPath(DType dt) {
        Rng rng = new Rng(40);
        assertThat(4L * 8 * 3).isLessThanOrEqualTo(MatMul.TINY);
        int[] none = {};
        check(dt, rng, none, none, none, 4, 8, 3);
        check(dt, rng, new int[] {2}, new int[] {2}, new int[] {2}, 4, 5, 3);
        check(dt, rng, new int[] {2}, none, new int[] {2}, 4, 5, 3); // [B,m,k] x [k,n]
        check(dt, rng, none, new int[] {3}, new int[] {3}, 4, 5, 3); // [m,k] x [B,k,n]
        check(dt, rng, new int[] {2, 1}, new int[] {5}, new int[] {2, 5}, 3, 4, 6); // [2,1,3,4] x [5,4,6]
        check(dt, rng, new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3}, 2, 3, 2);
        check(dt, rng, new int[] {1, 3}, new int[] {2, 1}, new int[] {2, 3}, 2, 3, 2);
        check(dt, rng, none, none, none, 1, 1, 1);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void blasPath(DType dt) {
        Rng rng = new Rng(41);
        assertThat(20L * 30 * 25).isGreaterThan(MatMul.TINY);
        int[] none = {};
        check(dt, rng, none, none, none, 40, 50, 30);
        check(dt, rng, new int[] {3}, new int[] {3}, new int[] {3}, 20, 30, 25);
        check(dt, rng, new int[] {3}, none, new int[] {3}, 20, 30, 25); // one GEMM over all rows of A
        check(dt, rng, none, new int[] {2}, new int[] {2}, 20, 30, 25);
        check(dt, rng, new int[] {2, 1}, new int[] {5}, new int[] {2, 5}, 20, 30, 25);
        check(dt, rng, new int[] {2, 2}, new int[] {1, 2}, new int[] {2, 2}, 17, 19, 23);
        check(dt, rng, none, none, none, 1, 5000, 1); // long inner dimension
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void emptyOperands(DType dt) {
        Ref.assertExact(Tensor.zeros(dt, 3, 0).matmul(Tensor.zeros(dt, 0, 4)), dt, new int[] {3, 4}, new double[12]);
        Ref.assertExact(Tensor.zeros(dt, 0, 2, 3).matmul(Tensor.zeros(dt, 3, 4)), dt, new int[] {0, 2, 4},
                new double[0]);
        Ref.assertExact(Tensor.zeros(dt, 0, 2).matmul(Tensor.zeros(dt, 0, 4), true, false), dt, new int[] {2, 4},
                new double[8]);
    }

    @Test
    void knownProduct() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        Ref.assertExact(a.matmul(b), DType.FLOAT64, new int[] {2, 2}, new double[] {58, 64, 139, 154});
        Ref.assertExact(a.matmul(a, false, true), DType.FLOAT64, new int[] {2, 2}, new double[] {14, 32, 32, 77});
        Ref.assertExact(a.matmul(a, true, false), DType.FLOAT64, new int[] {3, 3},
                new double[] {17, 22, 27, 22, 29, 36, 27, 36, 45});
    }

    @Test
    void shapeErrors() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 4, 8), b = Tensor.zeros(DType.FLOAT64, 7, 3);
        assertThatThrownBy(() -> a.matmul(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [4, 8] x [7, 3]: inner dimensions 8 and 7 differ");
        assertThatThrownBy(() -> a.matmul(b, true, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [4, 8]ᵀ x [7, 3]: inner dimensions 4 and 7 differ");
        Tensor c = Tensor.zeros(DType.FLOAT64, 2, 4, 8), d = Tensor.zeros(DType.FLOAT64, 3, 8, 5);
        assertThatThrownBy(() -> c.matmul(d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 4, 8] x [3, 8, 5]: batch dimensions [2] and [3] do not broadcast");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 8).matmul(Tensor.zeros(DType.FLOAT64, 8, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul: [8] x [8, 2]")
                .hasMessageContaining("rank 2 to 4");
        assertThatThrownBy(() ->
                        Tensor.zeros(DType.FLOAT64, 1, 1, 1, 1, 2, 2).matmul(Tensor.zeros(DType.FLOAT64, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank 2 to 4");
        assertThatThrownBy(() -> a.matmul(Tensor.zeros(DType.FLOAT32, 8, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul: dtype mismatch");
    }
}

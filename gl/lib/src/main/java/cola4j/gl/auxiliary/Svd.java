package cola4j.gl.auxiliary;

import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Thin singular value decomposition M = U Σ Vᵀ of a float64 matrix M [m, n] by one-sided Jacobi (Hestenes):
 * plane rotations applied to the columns of M (accumulated in V) until every pair of columns is orthogonal to
 * relative 1e-15; then σ_j = ‖column j‖ and u_j = column j / σ_j. Singular values are returned in descending
 * order (ties by index), k = min(m, n) of them. Used for PiSSA's initialization ({@link Pissa}); sizes there are
 * one layer's weight, so the O(sweeps · m · n²) cost is small.
 *
 * @param u     [m, k] left singular vectors (columns; a column is zero when σ_j = 0)
 * @param sigma [k] singular values, descending
 * @param v     [n, k] right singular vectors (columns)
 */
public record Svd(double[][] u, double[] sigma, double[][] v) {
    private static final int MAX_SWEEPS = 60;

    /** The decomposition of {@code m} [rows, cols] (computed in float64). */
    public static Svd of(Tensor m) {
        if (m.rank() != 2) {
            throw new IllegalArgumentException("svd: expected a matrix, got " + Arrays.toString(m.shape()));
        }
        int rows = m.shape()[0], cols = m.shape()[1];
        boolean wide = cols > rows;              // work on the tall orientation: Mᵀ = V Σ Uᵀ
        int p = wide ? cols : rows, q = wide ? rows : cols;
        double[] d = m.to(cola4j.tensor.DType.FLOAT64).toDoubleArray();
        double[][] a = new double[p][q];         // a [p, q], p >= q
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (wide) a[j][i] = d[i * cols + j]; else a[i][j] = d[i * cols + j];
            }
        }
        double[][] w = new double[q][q];
        for (int i = 0; i < q; i++) w[i][i] = 1;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int j = 0; j < q - 1; j++) {
                for (int k = j + 1; k < q; k++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < p; i++) {
                        alpha += a[i][j] * a[i][j];
                        beta += a[i][k] * a[i][k];
                        gamma += a[i][j] * a[i][k];
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t), s = c * t;
                    rotate(a, p, j, k, c, s);
                    rotate(w, q, j, k, c, s);
                }
            }
            if (!rotated) break;
        }
        double[] norms = new double[q];
        for (int j = 0; j < q; j++) {
            double s = 0;
            for (int i = 0; i < p; i++) s += a[i][j] * a[i][j];
            norms[j] = Math.sqrt(s);
        }
        Integer[] order = new Integer[q];
        for (int j = 0; j < q; j++) order[j] = j;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -norms[j]).thenComparingInt(j -> j));
        double[][] left = new double[p][q], right = new double[q][q];
        double[] sigma = new double[q];
        for (int c = 0; c < q; c++) {
            int j = order[c];
            sigma[c] = norms[j];
            for (int i = 0; i < p; i++) left[i][c] = norms[j] == 0 ? 0 : a[i][j] / norms[j];
            for (int i = 0; i < q; i++) right[i][c] = w[i][j];
        }
        return wide ? new Svd(right, sigma, left) : new Svd(left, sigma, right);
    }

    private static void rotate(double[][] x, int n, int j, int k, double c, double s) {
        for (int i = 0; i < n; i++) {
            double xj = x[i][j], xk = x[i][k];
            x[i][j] = c * xj - s * xk;
            x[i][k] = s * xj + c * xk;
        }
    }
}

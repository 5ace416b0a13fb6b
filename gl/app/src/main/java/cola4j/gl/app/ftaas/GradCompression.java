package cola4j.gl.app.ftaas;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compression of dL/dh (g [rows, out], one site of one down message) beyond bf16, chosen with
 * {@code --compress none|topk:K|proj:M}. Both codecs keep the model dtype for the values they send (c = elements per
 * row on the wire, payload = rows · c · dtype bytes):
 * <pre>
 *   topk:K   per row r, the k = min(K, out) entries of largest |g_rj| (ties: lower j first), sent as values
 *            v [rows, k] and their column indices j [rows, k] (as exact integers in the model dtype), ascending j;
 *            ĝ_rj = v at j, 0 elsewhere.                                                              c = 2k
 *            When 2k ≥ out the sparse form is no smaller: g is sent dense, ĝ = g exactly.          c = out
 *   proj:M  m = min(M, out); R [out, m] = √(out/m) · Q, Q orthonormal columns (modified Gram–Schmidt, twice) of
 *            a Gaussian matrix drawn from Rng(stream seed); sent P = g·R [rows, m]; ĝ = P·Rᵀ.   c = m
 *            E[R Rᵀ] = I over the random subspace (unbiased); m = out: R Rᵀ = I, ĝ = g to rounding.
 * </pre>
 * The stream seed (per message and site) is a pure function of the session seed, the user, the message number and
 * the site index ({@link #streamSeed}), so the receiver rebuilds R without it travelling. Tested in
 * {@code GradCompressionTest} (exact at k = all and m = out, byte counts, determinism by seed, unbiasedness).
 *
 * @param kind  none, topk, proj
 * @param param K or M (0 for none), in [1, {@link #MAX_PARAM}]
 * @param seed  session seed of the projections
 */
public record GradCompression(Kind kind, int param, long seed) {
    /** The codecs. */
    public enum Kind { NONE, TOPK, PROJ }

    /** Largest K or M accepted (a usage error beyond). */
    public static final int MAX_PARAM = 65_536;

    public static final GradCompression NONE = new GradCompression(Kind.NONE, 0, 0);

    public GradCompression {
        if (kind == null) throw new IllegalArgumentException("compress: kind is required");
        if (kind == Kind.NONE ? param != 0 : param < 1 || param > MAX_PARAM) {
            throw new IllegalArgumentException("compress: " + kind.name().toLowerCase() + " needs a size in [1, "
                    + MAX_PARAM + "], got " + param);
        }
    }

    /** Parses {@code none}, {@code topk:K} or {@code proj:M}; IllegalArgumentException naming the problem. */
    public static GradCompression parse(String spec, long seed) {
        if (spec.equals("none")) return NONE;
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        Kind k = switch (name) {
            case "topk" -> Kind.TOPK;
            case "proj" -> Kind.PROJ;
            default -> throw new IllegalArgumentException("'" + spec + "' is not none, topk:K or proj:M");
        };
        int p;
        try {
            p = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + spec + "' needs an integer size, e.g. " + name + ":16");
        }
        if (colon < 0) throw new IllegalArgumentException("'" + spec + "' needs a size, e.g. " + name + ":16");
        return new GradCompression(k, p, seed);
    }

    /** The command-line spelling. */
    public String spec() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase() + ":" + param;
    }

    /** Elements per row on the wire for dL/dh of width {@code out}: out, 2·min(K, out) or min(M, out). */
    public long elementsPerRow(int out) {
        return switch (kind) {
            case NONE -> out;
            case TOPK -> Math.min(2L * Math.min(param, out), out);
            case PROJ -> Math.min(param, out);
        };
    }

    /** The seed of R for one site of one message: a pure function of (session seed, user, message, site). */
    public long streamSeed(int user, long message, int site) {
        long h = seed * 0x9E3779B97F4A7C15L + user;
        h = h * 0xBF58476D1CE4E5B9L + message;
        return h * 0x94D049BB133111EBL + site;
    }

    /** The tensors sent for g [rows, out] (names prefix + {@code grad_h}, {@code grad_h_idx}, {@code grad_h_proj}). */
    public LinkedHashMap<String, Tensor> encode(String prefix, Tensor g, long stream) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        int rows = g.shape()[0], n = g.shape()[1];
        double[] a = g.toDoubleArray();
        switch (kind) {
            case NONE -> out.put(prefix + "grad_h", g);
            case TOPK -> {
                int k = Math.min(param, n);
                if (dense(k, n)) {
                    out.put(prefix + "grad_h", g);
                    return out;
                }
                double[] val = new double[rows * k], idx = new double[rows * k];
                for (int r = 0; r < rows; r++) {
                    int[] keep = topIndices(a, r * n, n, k);
                    for (int i = 0; i < k; i++) {
                        idx[r * k + i] = keep[i];
                        val[r * k + i] = a[r * n + keep[i]];
                    }
                }
                out.put(prefix + "grad_h", Tensor.of(val, rows, k).to(g.dtype()));
                out.put(prefix + "grad_h_idx", Tensor.of(idx, rows, k).to(g.dtype()));
            }
            case PROJ -> {
                int m = Math.min(param, n);
                out.put(prefix + "grad_h_proj", Tensor.of(multiply(a, rows, n, projection(n, m, stream), m, false),
                        rows, m).to(g.dtype()));
            }
        }
        return out;
    }

    /** ĝ [rows, out] in {@code dtype} from the received tensors; IllegalArgumentException if malformed. */
    public Tensor decode(Map<String, Tensor> t, String prefix, int out, long stream, DType dtype) {
        switch (kind) {
            case NONE -> {
                return require(t, prefix + "grad_h").to(dtype);
            }
            case TOPK -> {
                int k = Math.min(param, out);
                if (dense(k, out)) return require(t, prefix + "grad_h").to(dtype);
                Tensor v = require(t, prefix + "grad_h"), j = require(t, prefix + "grad_h_idx");
                if (v.rank() != 2 || v.shape()[1] != k || !Arrays.equals(v.shape(), j.shape())) {
                    throw new IllegalArgumentException("compress: top-k tensors of " + prefix + " are "
                            + Arrays.toString(v.shape()) + " and " + Arrays.toString(j.shape()) + ", expected [rows, "
                            + k + "]");
                }
                int rows = v.shape()[0];
                double[] vals = v.toDoubleArray(), idx = j.toDoubleArray(), g = new double[rows * out];
                for (int i = 0; i < vals.length; i++) {
                    double c = idx[i];
                    if (!(c >= 0 && c < out && c == Math.rint(c))) {
                        throw new IllegalArgumentException("compress: index " + c + " outside [0, " + out + ")");
                    }
                    g[(i / k) * out + (int) c] = vals[i];
                }
                return Tensor.of(g, rows, out).to(dtype);
            }
            default -> {
                Tensor p = require(t, prefix + "grad_h_proj");
                int m = Math.min(param, out);
                if (p.rank() != 2 || p.shape()[1] != m) {
                    throw new IllegalArgumentException("compress: projection of " + prefix + " is "
                            + Arrays.toString(p.shape()) + ", expected [rows, " + m + "]");
                }
                int rows = p.shape()[0];
                return Tensor.of(multiply(p.toDoubleArray(), rows, m, projection(out, m, stream), out, true),
                        rows, out).to(dtype);
            }
        }
    }

    /** True when k values plus k indices per row would not be smaller than the dense row of {@code out}. */
    private static boolean dense(int k, int out) {
        return 2L * k >= out;
    }

    private static Tensor require(Map<String, Tensor> t, String name) {
        Tensor x = t.get(name);
        if (x == null) throw new IllegalArgumentException("compress: message lacks " + name);
        return x;
    }

    /** Indices of the k largest |a[off + j]|, j < n (ties: lower j), in ascending order. */
    static int[] topIndices(double[] a, int off, int n, int k) {
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(Math.abs(a[off + y]), Math.abs(a[off + x]));
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] keep = new int[k];
        for (int i = 0; i < k; i++) keep[i] = order[i];
        Arrays.sort(keep);
        return keep;
    }

    /** R [n, m] row-major = √(n/m)·Q, Q orthonormal columns of a Gaussian [n, m] from Rng(stream). */
    static double[] projection(int n, int m, long stream) {
        Rng rng = new Rng(stream);
        double[] q = new double[n * m];
        for (int i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
        for (int pass = 0; pass < 2; pass++) {                 // modified Gram–Schmidt, twice ("twice is enough")
            for (int c = 0; c < m; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[i * m + c] * q[i * m + p];
                    for (int i = 0; i < n; i++) q[i * m + c] -= dot * q[i * m + p];
                }
                double norm = 0;
                for (int i = 0; i < n; i++) norm += q[i * m + c] * q[i * m + c];
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) q[i * m + c] /= norm;
            }
        }
        double s = Math.sqrt((double) n / m);
        for (int i = 0; i < q.length; i++) q[i] *= s;
        return q;
    }

    /** a [rows, inner] times R (R [inner, cols] row-major) or, transposed, times Rᵀ (R [cols, inner]). */
    private static double[] multiply(double[] a, int rows, int inner, double[] r, int cols, boolean transposed) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int k = 0; k < inner; k++) {
                    s += a[i * inner + k] * (transposed ? r[c * inner + k] : r[k * cols + c]);
                }
                out[i * cols + c] = s;
            }
        }
        return out;
    }
}

package cola4j.gl.baselines;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * One AdaLoRA site (PEFT's {@code adalora.SVDLinear} without dropout): an SVD-shaped update P Λ Q with
 * P = B [out, r], Λ = diag(E) (E [r, 1]) and Q = A [r, in]:
 *
 * <pre>
 *   g(x) = s · x (A ⊙ E)ᵀ Bᵀ      x [..., in] → [..., out]     (A ⊙ E: row i of A times E_i)
 *   ΔW   = s · B (A ⊙ E)          [out, in]
 *   s    = α / (ranknum + 1e-5)   ranknum = r₀ = init_r, fixed for the whole run (PEFT never changes it while
 *                                 training, so masking a triplet does not rescale the others)
 * </pre>
 * Initialised as PEFT's {@code reset_lora_parameters}: E = 0, A and B ~ N(0, 0.02²), so g = 0 at the start.
 * The orthogonality regulariser of one site, as PEFT's {@code AdaLoraModel.forward} (a Frobenius norm, not its
 * square as in the paper's R(P, Q) = ‖PᵀP − I‖²_F + ‖QQᵀ − I‖²_F):
 * <pre>
 *   R = ‖A Aᵀ − I_r‖_F + ‖Bᵀ B − I_r‖_F
 *   dR/dA = 2 (AAᵀ − I) A / ‖AAᵀ − I‖_F,   dR/dB = 2 B (BᵀB − I) / ‖BᵀB − I‖_F
 * </pre>
 * VJPs of g through autograd: with G = dL/dg [rows, out], X [rows, in], Z = X (A ⊙ E)ᵀ [rows, r]:
 * dB = s Gᵀ Z, d(A ⊙ E) = s Bᵀ Gᵀ X, so dA = d(A⊙E) ⊙ E and dE_i = Σ_j d(A⊙E)_ij A_ij.
 * Parameters (PEFT's names, adapter name stripped): {@code lora_A} [r, in], {@code lora_E} [r, 1],
 * {@code lora_B} [out, r]. Masking sets entries of E to zero ({@link #maskTriplets}). Tests: AdaLoraAdapterTest.
 */
public final class AdaLoraAdapter {
    /** PEFT's guard added to ranknum in the scale. */
    public static final double RANKNUM_EPS = 1e-5;
    private final int in, out, rank;
    private final double alpha, scale;
    private final Var a, e, b;

    /** A fresh adapter: E = 0, then A [r, in] and B [out, r] ~ N(0, 0.02²) drawn in that order from Rng(seed). */
    public static AdaLoraAdapter initial(int in, int out, int rank, double alpha, DType dtype, long seed) {
        Rng rng = new Rng(seed);
        Tensor a0 = rng.normal(dtype, 0, 0.02, rank, in);
        Tensor b0 = rng.normal(dtype, 0, 0.02, out, rank);
        return new AdaLoraAdapter(in, out, rank, alpha, a0, Tensor.zeros(dtype, rank, 1), b0);
    }

    /**
     * An adapter with explicit factors (copied).
     *
     * @param a0 A [r, in]
     * @param e0 E [r, 1]
     * @param b0 B [out, r]
     */
    public AdaLoraAdapter(int in, int out, int rank, double alpha, Tensor a0, Tensor e0, Tensor b0) {
        if (in < 1 || out < 1 || rank < 1) {
            throw new IllegalArgumentException("adalora adapter: in, out and rank must be >= 1, got " + in + ", "
                    + out + ", " + rank);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("adalora adapter: alpha must be finite and > 0, got " + alpha);
        }
        requireShape("lora_A", a0, rank, in);
        requireShape("lora_E", e0, rank, 1);
        requireShape("lora_B", b0, out, rank);
        this.in = in;
        this.out = out;
        this.rank = rank;
        this.alpha = alpha;
        this.scale = alpha / (rank + RANKNUM_EPS);
        this.a = Var.param(a0.copy()).named("lora_A");
        this.e = Var.param(e0.to(a0.dtype()).copy()).named("lora_E");
        this.b = Var.param(b0.to(a0.dtype()).copy()).named("lora_B");
    }

    private static void requireShape(String name, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("adalora adapter: " + name + " must be " + Arrays.toString(shape)
                    + ", got " + Arrays.toString(t.shape()));
        }
    }

    /** g(x) = s · x (A ⊙ E)ᵀ Bᵀ: x [..., in] → [..., out], recorded for backward. */
    public Var apply(Var x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in) {
            throw new IllegalArgumentException("adalora adapter: input " + Arrays.toString(s)
                    + " must have last dimension " + in);
        }
        Var x2 = s.length == 2 ? x : x.reshape(-1, in);             // [rows, in]
        Var y = x2.matmul(a.mul(e), false, true)                    // [rows, in]·[r, in]ᵀ → [rows, r]
                .matmul(b, false, true)                             // [rows, r]·[out, r]ᵀ → [rows, out]
                .mul(scale);
        if (s.length == 2) return y;
        int[] o = s.clone();
        o[o.length - 1] = out;
        return y.reshape(o);                                        // [..., out]
    }

    /** R = ‖AAᵀ − I‖_F + ‖BᵀB − I‖_F (a scalar Var, recorded for backward). */
    public Var orthogonality() {
        Var eye = Var.constant(eye(a.value().dtype(), rank));
        Var ma = a.matmul(a, false, true).sub(eye);                 // [r, r]
        Var mb = b.matmul(b, true, false).sub(eye);                 // [r, r]
        return frobenius(ma).add(frobenius(mb));
    }

    private static Var frobenius(Var m) {
        return m.mul(m).sum(false).sqrt();
    }

    static Tensor eye(DType dtype, int n) {
        Tensor t = Tensor.zeros(dtype, n, n);
        for (int i = 0; i < n; i++) t.setFlat(i * n + i, 1);
        return t;
    }

    /** ΔW = s · B (A ⊙ E) [out, in] (a fresh tensor). */
    public Tensor deltaWeight() {
        return b.value().matmul(a.value().mul(e.value())).mul(scale);
    }

    /** Sets E_i = 0 for every i with {@code keep[i]} false (PEFT's {@code masked_fill_}); E_i kept otherwise. */
    public void maskTriplets(boolean[] keep) {
        if (keep.length != rank) {
            throw new IllegalArgumentException("adalora adapter: mask of " + keep.length + " entries for rank " + rank);
        }
        Tensor v = e.value().copy();
        for (int i = 0; i < rank; i++) if (!keep[i]) v.setFlat(i, 0);
        e.setValue(v);
    }

    /** The parameters by PEFT name: lora_A, lora_E, lora_B (in that order). */
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("lora_A", a);
        m.put("lora_E", e);
        m.put("lora_B", b);
        return m;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /** r₀, also PEFT's ranknum. */
    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    /** s = α / (r₀ + 1e-5). */
    public double scale() {
        return scale;
    }
}

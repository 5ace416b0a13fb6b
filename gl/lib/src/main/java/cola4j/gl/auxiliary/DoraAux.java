package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * DoRA (weight-decomposed low-rank adaptation, Liu et al. 2024; PEFT's {@code use_dora=True}) as an auxiliary of
 * a linear site with base weight W0 [out, in]. The adapted weight is a magnitude times a normalized direction,
 * normalized per output feature (PEFT's {@code torch.linalg.norm(W0 + s·B·A, dim=1)}: the norm of each row of the
 * [out, in] weight, the paper's "column" norm of its [in, out] convention):
 *
 * <pre>
 *   V   = W0 + s·B·A                  [out, in], A [r, in], B [out, r], s = α/r (or α/√r)
 *   n_i = ‖V_i,:‖₂                    [out]   (PEFT: detached, "treated as a constant", DoRA paper §4.3)
 *   W'  = diag(m / n) · V             m [out] trainable, initialized to ‖W0_i,:‖ (so W' = W0 while B = 0)
 *   g(x) = x·W'ᵀ − x·W0ᵀ = (m/n − 1) ⊙ (x W0ᵀ) + (m/n) ⊙ s·x Aᵀ Bᵀ
 *                                     (PEFT's DoraLinearLayer.forward; the base bias is not rescaled)
 *   ΔW  = W' − W0
 * </pre>
 *
 * The site then outputs h + g(x) = x·W'ᵀ + b. Parameters: {@code lora_A.weight}, {@code lora_B.weight},
 * {@code lora_magnitude_vector} (PEFT's saved name). VJP through autograd; with {@code detachNorm} n is a constant
 * of the graph (PEFT's gradient), without it the exact gradient of g flows through n as well.
 *
 * <p><b>ColA.</b> g depends on W0, not on (x, w) alone: a user who has only the adaptation data (x, dL/dh) cannot
 * evaluate g or its Jacobian. Given W0 of the site (a constant here), Gradient Learning is exact again, because GL
 * only needs the user to evaluate g_w(x) and differentiate it (docs/cola.md, "LoRA variants").
 */
public final class DoraAux implements AuxiliaryModel {
    private final int in, out;
    private final LowRankConfig cfg;
    private final double scale;
    private final boolean detachNorm;
    private final Tensor w0;
    private final Var a, b, m;

    /**
     * @param w0         the site's base weight [out, in] (copied; every row must be nonzero)
     * @param cfg        rank, α, dtype, seed (A is Kaiming-uniform from the seed, B = 0 as in LoRA)
     * @param scale      s (α/r, or {@link RsLora#scale})
     * @param detachNorm true: PEFT's gradient (n constant); false: the full gradient
     */
    public DoraAux(Tensor w0, LowRankConfig cfg, double scale, boolean detachNorm) {
        if (w0.rank() != 2) throw new IllegalArgumentException("DoRA: base weight must be [out, in]");
        this.out = w0.shape()[0];
        this.in = w0.shape()[1];
        this.cfg = cfg;
        this.scale = scale;
        this.detachNorm = detachNorm;
        this.w0 = w0.to(cfg.dtype()).copy();
        Tensor norms = rowNorms(this.w0);
        for (int i = 0; i < out; i++) {
            if (!(norms.getFlat(i) > 0)) throw new IllegalArgumentException("DoRA: row " + i + " of W0 is zero");
        }
        Rng rng = new Rng(cfg.seed());
        this.a = Var.param(rng.kaimingUniform(cfg.dtype(), in, cfg.rank(), in)).named("lora_A.weight");
        this.b = Var.param(Tensor.zeros(cfg.dtype(), out, cfg.rank())).named("lora_B.weight");
        this.m = Var.param(norms).named("lora_magnitude_vector");
    }

    /** PEFT's DoRA: s = α/r, detached norm. */
    public DoraAux(Tensor w0, LowRankConfig cfg) {
        this(w0, cfg, cfg.scale(), true);
    }

    /**
     * The same adapter (a copy of A, B, m) over another base weight {@code w0}: what a user computes when its copy
     * of W0 is not the server's (the verify negative control of DoRA).
     */
    public DoraAux withBase(Tensor otherW0) {
        DoraAux d = new DoraAux(otherW0, cfg, scale, detachNorm);
        namedParameters().forEach((n, v) -> d.namedParameters().get(n).setValue(v.value().copy()));
        return d;
    }

    /** n_i = ‖V_i,:‖₂ for V [out, in]: [out]. */
    public static Tensor rowNorms(Tensor v) {
        return v.mul(v).sum(false, 1).sqrt();
    }

    /** The direction V = W0 + s·B·A [out, in] at the current parameters. */
    public Tensor direction() {
        return w0.add(b.value().matmul(a.value()).mul(scale));
    }

    /** The base weight W0 [out, in] this adapter was built on (a copy). */
    public Tensor base() {
        return w0.copy();
    }

    public double scale() {
        return scale;
    }

    /** Rank, α, dtype and seed of the adapter. */
    public LowRankConfig config() {
        return cfg;
    }

    /** True when n is a constant of the graph (PEFT's gradient). */
    public boolean detachNorm() {
        return detachNorm;
    }

    @Override
    public Var apply(Var x) {
        return forward(x, a, b, m);
    }

    @Override
    public Var applyFrozen(Var x) {
        return forward(x, a.detach(), b.detach(), m.detach());
    }

    private Var forward(Var x, Var a, Var b, Var m) {
        Var x2 = Rows.flatten(kind(), x, in);                              // [rows, in]
        Var w = Var.constant(w0);
        Var n = detachNorm ? Var.constant(rowNorms(direction()))         // [out]
                : w.add(b.matmul(a).mul(scale)).pow(2).sum(false, 1).sqrt();
        Var k = m.div(n);                                                 // m / n [out]
        Var h0 = x2.matmul(w, false, true);                               // x W0ᵀ [rows, out]
        Var lora = x2.matmul(a, false, true).matmul(b, false, true).mul(scale);
        Var y = h0.mul(k.add(-1.0)).add(lora.mul(k));                     // [rows, out]
        return Rows.unflatten(y, x.shape(), out);
    }

    @Override
    public Tensor deltaWeight() {
        Tensor v = direction();
        Tensor k = m.value().div(rowNorms(v)).reshape(out, 1);            // [out, 1]
        return v.mul(k).sub(w0);                                          // diag(m/n)·V − W0
    }

    @Override
    public Tensor deltaBias() {
        return null;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    /** A low-rank kind: mergeable (ΔW exists), spelled lowrank; {@link #namedParameters} tells DoRA apart. */
    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.LOWRANK;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> p = new LinkedHashMap<>();
        p.put("lora_A.weight", a);
        p.put("lora_B.weight", b);
        p.put("lora_magnitude_vector", m);
        return p;
    }

    @Override
    public String toString() {
        return "DoraAux[" + in + "→" + out + ", s=" + scale + ", detachNorm=" + detachNorm + ", W0 "
                + Arrays.toString(w0.shape()) + "]";
    }
}

package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * LoRA as an auxiliary model (PEFT's {@code lora.Linear} without dropout):
 *
 * <pre>
 *   g(x) = s · x Aᵀ Bᵀ          x [..., in], A [r, in], B [out, r], s = α / r
 *   ΔW   = s · B A              [out, in]
 * </pre>
 *
 * A is Kaiming-uniform (bound 1/√in, as PEFT's {@code kaiming_uniform_(a=√5)}), B is zero, so g = 0 at
 * initialization. Parameters: {@code lora_A.weight} [r, in], {@code lora_B.weight} [out, r].
 * VJP (through autograd): dA = s · Bᵀ Gᵀ X, dB = s · Gᵀ X Aᵀ for G = dL/dg [rows, out], X [rows, in].
 */
public final class LowRankAux implements AuxiliaryModel {
    private final int in, out;
    private final LowRankConfig cfg;
    private final double scale;
    private final Var a, b;

    public LowRankAux(int in, int out, LowRankConfig cfg) {
        this(in, out, cfg, cfg.scale(), new Rng(cfg.seed()).kaimingUniform(cfg.dtype(), in, cfg.rank(), in),
                Tensor.zeros(cfg.dtype(), out, cfg.rank()));
    }

    /**
     * A low-rank auxiliary with an explicit output scale s and initial factors (the LoRA variants: rsLoRA's
     * s = α/√r in {@link RsLora}, PiSSA's singular-vector factors in {@link Pissa}).
     *
     * @param a0 initial A [r, in] (copied)
     * @param b0 initial B [out, r] (copied)
     */
    public LowRankAux(int in, int out, LowRankConfig cfg, double scale, Tensor a0, Tensor b0) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("lowrank auxiliary: in and out must be >= 1, got " + in + ", " + out);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("lowrank auxiliary: scale must be finite and > 0, got " + scale);
        }
        int r = cfg.rank();
        if (!java.util.Arrays.equals(a0.shape(), new int[] {r, in})
                || !java.util.Arrays.equals(b0.shape(), new int[] {out, r})) {
            throw new IllegalArgumentException("lowrank auxiliary: factors must be A [" + r + ", " + in + "] and B ["
                    + out + ", " + r + "], got " + java.util.Arrays.toString(a0.shape()) + " and "
                    + java.util.Arrays.toString(b0.shape()));
        }
        this.in = in;
        this.out = out;
        this.cfg = cfg;
        this.scale = scale;
        this.a = Var.param(a0.to(cfg.dtype()).copy()).named("lora_A.weight");
        this.b = Var.param(b0.to(cfg.dtype()).copy()).named("lora_B.weight");
    }

    public LowRankConfig config() {
        return cfg;
    }

    /** The output scale s: α / r for LoRA (the config's), α / √r for rsLoRA. */
    public double scale() {
        return scale;
    }

    @Override
    public Var apply(Var x) {
        return forward(x, a, b);
    }

    @Override
    public Var applyFrozen(Var x) {
        return forward(x, a.detach(), b.detach());
    }

    private Var forward(Var x, Var a, Var b) {
        Var x2 = Rows.flatten(kind(), x, in);             // [rows, in]
        Var y = x2.matmul(a, false, true)                 // [rows, r]
                .matmul(b, false, true)                   // [rows, out]
                .mul(scale);
        return Rows.unflatten(y, x.shape(), out);         // [..., out]
    }


    @Override
    public Tensor deltaWeight() {
        return b.value().matmul(a.value()).mul(scale); // [out, r] x [r, in] -> [out, in]
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

    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.LOWRANK;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("lora_A.weight", a);
        m.put("lora_B.weight", b);
        return m;
    }
}

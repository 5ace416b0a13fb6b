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
    private final Var a, b;

    public LowRankAux(int in, int out, LowRankConfig cfg) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("lowrank auxiliary: in and out must be >= 1, got " + in + ", " + out);
        }
        this.in = in;
        this.out = out;
        this.cfg = cfg;
        Rng rng = new Rng(cfg.seed());
        this.a = Var.param(rng.kaimingUniform(cfg.dtype(), in, cfg.rank(), in)).named("lora_A.weight");
        this.b = Var.param(Tensor.zeros(cfg.dtype(), out, cfg.rank())).named("lora_B.weight");
    }

    public LowRankConfig config() {
        return cfg;
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
                .mul(cfg.scale());
        return Rows.unflatten(y, x.shape(), out);         // [..., out]
    }


    @Override
    public Tensor deltaWeight() {
        return b.value().matmul(a.value()).mul(cfg.scale()); // [out, r] x [r, in] -> [out, in]
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

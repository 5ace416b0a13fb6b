package cola4j.gl.auxiliary;

/**
 * Rank-stabilized LoRA (rsLoRA, Kalajdzievski 2023; PEFT's {@code use_rslora=True}): the low-rank auxiliary with the
 * output scale α/√r instead of α/r,
 *
 * <pre>
 *   g(x) = s · x Aᵀ Bᵀ,   s = α / √r          x [..., in], A [r, in], B [out, r]
 *   ΔW   = s · B A
 * </pre>
 *
 * Initialization as LoRA (A Kaiming-uniform, B = 0). Only the constant changes, so g is still of the form
 * s·B·A·x and Gradient Learning gives dL/dA, dL/dB exactly (the verify row "rslora").
 */
public final class RsLora {
    private RsLora() {}

    /** s = α / √r. */
    public static double scale(LowRankConfig cfg) {
        return cfg.alpha() / Math.sqrt(cfg.rank());
    }

    /** A fresh rsLoRA auxiliary: LoRA's initialization from {@code cfg.seed()}, scale α/√r. */
    public static LowRankAux create(int in, int out, LowRankConfig cfg) {
        LowRankAux lora = new LowRankAux(in, out, cfg);
        return new LowRankAux(in, out, cfg, scale(cfg), lora.namedParameters().get("lora_A.weight").value(),
                lora.namedParameters().get("lora_B.weight").value());
    }
}

package cola4j.models.prompt;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.Module;
import cola4j.models.VirtualTokens;
import cola4j.models.layers.Linear;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Prefix tuning (Li &amp; Liang 2021; PEFT {@code PrefixTuningConfig}/{@code PrefixEncoder}): trainable key/value
 * prefixes for S attentions ("slots", e.g. every {@code blocks.i.attn}), base model frozen:
 * <pre>
 *   Z = E                             E [n, 2·S·C]                        (no reparameterisation)
 *   Z = tanh(E·W₁ᵀ + b₁)·W₂ᵀ + b₂     E [n, C], W₁ [H, C], W₂ [2·S·C, H]  (reparameterisation MLP)
 *   slot s: K_p = Z[:, 2sC .. (2s+1)C],  V_p = Z[:, (2s+1)C .. (2s+2)C]   [n, C] each
 *   attention s: K = [K_p; x·Wkᵀ + bk], V = [V_p; x·Wvᵀ + bv]; every query sees the n prefix keys
 * </pre>
 * The column layout is PEFT's {@code past_key_values} for a decoder (view [n, 2L, nh, hs]: index 2l is layer l's
 * key, 2l + 1 its value, heads in blocks of hs). VJP (autograd): dZ collects Σ_b dK[b, :n] and Σ_b dV[b, :n]
 * in each slot's columns; through the MLP dE = ((dZ·W₂) ⊙ (1 − a²))·W₁ with a = tanh(E·W₁ᵀ + b₁).
 * Init as PEFT: E ~ N(0, 1) ({@code nn.Embedding}), W and b as {@code nn.Linear} (U(±1/√fan_in)), drawn E, W₁,
 * b₁, W₂, b₂. n = 0 is the base model exactly. Parameters (PEFT's {@code prompt_encoder} names):
 * {@code embedding.weight}, and with the MLP
 * {@code transform.0.weight}, {@code transform.0.bias}, {@code transform.2.weight}, {@code transform.2.bias}.
 * Checked by PrefixTuningTest.
 */
public final class PrefixTuning implements Module {
    private final List<String> slots;
    private final int n, dModel;
    private final Var embedding;
    private final Linear w1, w2;

    /**
     * @param slots  the attentions that get a prefix, by name (their order fixes the column layout)
     * @param n      prefix length (≥ 0)
     * @param hidden H of the reparameterisation MLP; 0 = none (E is the prefix itself)
     */
    public PrefixTuning(List<String> slots, int n, int dModel, int hidden, DType dtype, Rng rng) {
        if (slots.isEmpty() || n < 0 || dModel < 1 || hidden < 0) {
            throw new IllegalArgumentException("PrefixTuning: needs at least one attention, n >= 0, C >= 1, H >= 0;"
                    + " got " + slots.size() + " attentions, n = " + n + ", C = " + dModel + ", H = " + hidden);
        }
        this.slots = List.copyOf(slots);
        this.n = n;
        this.dModel = dModel;
        int width = 2 * slots.size() * dModel;
        this.embedding = Var.param(rng.normal(dtype, 0.0, 1.0, n, hidden == 0 ? width : dModel));
        this.w1 = hidden == 0 ? null : new Linear("transform.0", dModel, hidden, true, dtype, rng);
        this.w2 = hidden == 0 ? null : new Linear("transform.2", hidden, width, true, dtype, rng);
    }

    /**
     * Every attention of {@code model}, in site order: the names of its {@code *.attn} and {@code *.cross_attn}
     * (the sites {@code <attention>.query} without the suffix), e.g. blocks.0.attn, or for an encoder–decoder
     * encoder.blocks.i.attn, decoder.blocks.i.attn, decoder.blocks.i.cross_attn.
     */
    public static List<String> attentions(Model model) {
        return model.sites().keySet().stream().filter(n -> n.endsWith("attn.query"))
                .map(n -> n.substring(0, n.length() - ".query".length())).toList();
    }

    /** Z [n, 2·S·C]: every slot's key and value prefix (through the MLP when there is one). */
    public Var prefixes() {
        if (w1 == null) return embedding;
        ForwardContext plain = ForwardContext.eval(); // the MLP's Linears are not adaptation sites of the model
        return w2.forward(w1.forward(embedding, plain).tanh(), plain);
    }

    /**
     * The virtual tokens of one forward pass: Z is computed once, on the first request, and sliced per slot; build
     * one per pass (a training step's graph must not be reused).
     */
    public VirtualTokens tokens() {
        return new VirtualTokens() {
            private Var z;

            @Override
            public KeyValue prefix(String attention) {
                int s = slots.indexOf(attention);
                if (s < 0 || n == 0) return null;
                if (z == null) z = prefixes();
                return new KeyValue(z.slice(1, 2 * s * dModel, (2 * s + 1) * dModel),
                        z.slice(1, (2 * s + 1) * dModel, (2 * s + 2) * dModel));
            }
        };
    }

    /** The attentions with a prefix, in column order. */
    public List<String> slots() {
        return slots;
    }

    /** n. */
    public int length() {
        return n;
    }

    /** True when the reparameterisation MLP is used. */
    public boolean projected() {
        return w1 != null;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("embedding.weight", embedding);
        if (w1 != null) {
            Module.addChild(m, "transform.0", w1);
            Module.addChild(m, "transform.2", w2);
        }
        return m;
    }
}

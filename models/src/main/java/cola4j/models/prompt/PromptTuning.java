package cola4j.models.prompt;

import cola4j.autograd.Var;
import cola4j.models.Module;
import cola4j.models.VirtualTokens;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * Prompt tuning (Lester et al. 2021; PEFT {@code PromptTuningConfig}/{@code PromptEmbedding}): n trainable virtual
 * token embeddings P [n, C] prepended to the input embeddings of one transformer stack, base model frozen:
 * <pre>
 *   x = [P; E[ids] + pos[0..T−1]]             [B, n + T, C]   (TransformerStack; padding mask gains n ones)
 *   decoder LM:       logits of the n virtual positions dropped (PEFT labels them −100)
 *   encoder–decoder:  the prompt goes on the encoder input; the decoder cross-attends to all n + S positions
 *   dL/dP[i] = Σ_b dL/dx[b, i]                 (the only trained parameter; the base gets no gradient)
 * </pre>
 * Causal attention needs no new mask: every real position t ≥ n already sees positions 0..n−1. n = 0 is the base
 * model exactly. The real tokens keep their positions (TransformerStack explains the difference to PEFT on
 * Hugging Face models, which shift them by n). Init (PEFT's {@code SAMPLE_VOCAB}, Lester et al.'s "sampled
 * vocabulary"): row i is a copy of the token embedding of a uniformly drawn vocabulary id. Parameter:
 * {@code prompt_embeddings} [n, C] (PEFT's key in {@code adapter_model.safetensors}). Checked by PromptTuningTest.
 */
public final class PromptTuning implements Module, VirtualTokens {
    private final String stack;
    private final Var prompt;

    /** A prompt with the given initial embeddings [n, C] (copied) for stack {@code stack}. */
    public PromptTuning(String stack, Tensor init) {
        if (init.shape().length != 2) {
            throw new IllegalArgumentException("PromptTuning: init must be [n, C], got " + init.shape().length + "-d");
        }
        this.stack = stack;
        this.prompt = Var.param(init.copy()).named("prompt_embeddings");
    }

    /**
     * n rows of the token table [V, C], row i = table[id_i] with id_i = rng.nextInt(V) drawn in order (PEFT's
     * SAMPLE_VOCAB init).
     */
    public static PromptTuning sampleVocab(String stack, int n, Tensor tokenTable, Rng rng) {
        if (n < 0) throw new IllegalArgumentException("PromptTuning: n = " + n + " virtual tokens");
        int v = tokenTable.shape()[0], c = tokenTable.shape()[1];
        Tensor init = Tensor.zeros(tokenTable.dtype(), n, c);
        for (int i = 0; i < n; i++) {
            int id = rng.nextInt(v);
            for (int j = 0; j < c; j++) init.setFlat(i * c + j, tokenTable.getFlat(id * c + j));
        }
        return new PromptTuning(stack, init);
    }

    /** The trained embeddings P [n, C]. */
    public Var embeddings() {
        return prompt;
    }

    /** n. */
    public int length() {
        return prompt.shape()[0];
    }

    /** The stack whose input gets the prompt ("" decoder LM, "encoder" encoder–decoder). */
    public String stack() {
        return stack;
    }

    @Override
    public Var prompt(String name) {
        return stack.equals(name) && length() > 0 ? prompt : null;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("prompt_embeddings", prompt);
        return m;
    }
}

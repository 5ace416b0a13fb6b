package cola4j.models.layers;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;

/**
 * Learned absolute positions as GPT-2's {@code wpe}: p[t] = P[t], P [maxLen, dim] ~ N(0, 0.02²).
 * It is an {@link Embedding} looked up at positions 0..T−1 (so it is also a site, named as given) and returns
 * [1, T, dim], which broadcasts over the batch when added to token embeddings.
 */
public final class PositionalEmbedding implements Module {
    private final Embedding table;
    private final int maxLen;

    public PositionalEmbedding(String name, int maxLen, int dim, DType dtype, Rng rng) {
        this.table = new Embedding(name, maxLen, dim, dtype, rng);
        this.maxLen = maxLen;
    }

    /** Positions 0..T−1 → [1, T, dim]. */
    public Var forward(int t, ForwardContext ctx) {
        if (t <= 0 || t > maxLen) {
            throw new IllegalArgumentException("PositionalEmbedding " + table.name() + ": length " + t
                    + " outside [1, " + maxLen + "]");
        }
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        return table.forward(new int[][] {pos}, ctx);
    }

    /** The underlying table (the adaptation site). */
    public Embedding table() {
        return table;
    }

    public int maxLen() {
        return maxLen;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        return table.namedParameters();
    }

    @Override
    public void setTrainable(boolean trainable) {
        table.setTrainable(trainable);
    }
}

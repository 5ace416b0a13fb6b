package cola4j.models;

import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.Linear;
import cola4j.models.layers.TransformerStack;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * RoBERTa-style sequence classifier (pre-LN): ids [B][T] → logits [B, K].
 * <pre>
 *   h = TransformerStack(ids)                 embed.token, embed.position, blocks.0..N−1 (non-causal), ln_f
 *   z = h[:, 0, :]                            the first token's state  [B, C]
 *   logits = head.out(tanh(head.dense(dropout(z))) → dropout)       head.dense [C, C], head.out [K, C]
 * </pre>
 * The attention mask [B][T] (1 real, 0 pad) masks padded keys; padded positions never change real ones.
 * Sites: {@code embed.token}, {@code embed.position}, {@code blocks.i.attn.{query,key,value,out}},
 * {@code blocks.i.mlp.{fc1,fc2}}, {@code head.dense}, {@code head.out}.
 */
public final class EncoderClassifier implements Model {
    private final EncoderClassifierConfig config;
    private final TransformerStack stack;
    private final Linear dense, out;
    private final Dropout dropout;

    /** Initializes every parameter from {@code rng} in parameter order. */
    public EncoderClassifier(EncoderClassifierConfig c, Rng rng) {
        this.config = c;
        this.stack = new TransformerStack("", c.vocabSize(), c.maxLen(), c.dModel(), c.layers(), c.heads(), c.dropout(),
                false, false, c.dtype(), rng);
        this.dense = new Linear("head.dense", c.dModel(), c.dModel(), true, c.dtype(), rng);
        this.out = new Linear("head.out", c.dModel(), c.classes(), true, c.dtype(), rng);
        this.dropout = new Dropout(c.dropout());
    }

    public EncoderClassifierConfig config() {
        return config;
    }

    /** ids [B][T], mask [B][T] (1 real, 0 pad; null = all real) → logits [B, K]. */
    public Var forward(int[][] ids, int[][] mask, ForwardContext ctx) {
        Var h = stack.forward(ids, mask, null, null, ctx); // [B, n + T, C], n virtual tokens (prompt tuning) first
        int b = ids.length, n = stack.promptLength(ctx);
        Var first = h.slice(1, n, n + 1).reshape(b, config.dModel()); // the first real token: [B, 1, C] -> [B, C]
        Var z = dense.forward(dropout.forward(first, ctx), ctx).tanh();
        return out.forward(dropout.forward(z, ctx), ctx); // [B, K]
    }

    /** Mean cross-entropy of {@link #forward} against labels [B] in [0, K). */
    public Var loss(int[][] ids, int[][] mask, int[] labels, ForwardContext ctx) {
        return Losses.crossEntropy(forward(ids, mask, ctx), labels);
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(stack.sites());
        s.add(dense);
        s.add(out);
        return Model.index(s);
    }

    @Override
    public DType dtype() {
        return config.dtype();
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>(stack.namedParameters());
        Module.addChild(m, "head.dense", dense);
        Module.addChild(m, "head.out", out);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        stack.setTrainable(trainable);
        dense.setTrainable(trainable);
        out.setTrainable(trainable);
    }
}

package cola4j.models.layers;

import cola4j.autograd.LayoutOps;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.VirtualTokens;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Token + learned position embeddings, embedding dropout, N pre-LN {@link TransformerBlock}s and a final
 * LayerNorm: ids [B][T] → [B, T, C]. Children (parameter and init order): {@code embed.token} [V, C],
 * {@code embed.position} [maxLen, C], {@code blocks.0 … blocks.N−1}, {@code ln_f}; names carry the given prefix
 * ({@code ""} or e.g. {@code "encoder"}).
 * <p>Prompt tuning: when the context holds a {@link VirtualTokens#prompt} P [n, C] for this stack's name (its
 * prefix, {@code ""} for a stack without one), x = [P; E[ids] + pos[0..T−1]]: the real tokens keep the positions
 * the base was pretrained on and the virtual ones get none (a trainable P_i absorbs any position vector, so
 * P_i + pos_i would only reparameterise it); the padding mask gains n leading ones, and the output is
 * [B, n + T, C] with the virtual positions first ({@link #promptLength}); n = 0 is the plain stack. (PEFT on a
 * Hugging Face model with absolute positions instead numbers the real tokens n..n+T−1, which needs n + T ≤ maxLen;
 * cola4j's presets are pretrained with maxLen = the task length.)
 */
public final class TransformerStack implements Module {
    private final String name;
    private final Embedding token;
    private final PositionalEmbedding position;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm lnF;
    private final Dropout embedDropout;

    /**
     * @param prefix names start with {@code prefix + "."} unless it is empty
     * @param causal causal self-attention (decoders)
     * @param cross  blocks carry cross-attention over an encoder memory
     */
    public TransformerStack(String prefix, int vocab, int maxLen, int dModel, int layers, int heads, double dropout,
                            boolean causal, boolean cross, DType dtype, Rng rng) {
        this.name = prefix;
        String p = prefix.isEmpty() ? "" : prefix + ".";
        this.token = new Embedding(p + "embed.token", vocab, dModel, dtype, rng);
        this.position = new PositionalEmbedding(p + "embed.position", maxLen, dModel, dtype, rng);
        for (int i = 0; i < layers; i++) {
            blocks.add(new TransformerBlock(p + "blocks." + i, dModel, heads, dropout, causal, cross, dtype, rng));
        }
        this.lnF = new LayerNorm(p + "ln_f", dModel, dtype);
        this.embedDropout = new Dropout(dropout);
    }

    /**
     * @param ids           [B][T] token ids
     * @param mask          [B][T] 1 = real, 0 = padding (keys only); null = no padding
     * @param memory        encoder output [B, S, C] for cross-attention, else null
     * @param memoryMask    [B][S] padding mask of the memory or null
     * @return [B, n + T, C] after the final LayerNorm (n = {@link #promptLength}, 0 without prompt tuning)
     */
    public Var forward(int[][] ids, int[][] mask, Var memory, int[][] memoryMask, ForwardContext ctx) {
        int t = Tokens.width(ids, "TransformerStack");
        Tokens.checkMask(ids, mask, "TransformerStack");
        int n = promptLength(ctx);
        Var x = token.forward(ids, ctx).add(position.forward(t, ctx)); // [B, T, C] + [1, T, C]
        if (n > 0) x = LayoutOps.concat(1, VirtualTokens.perRow(ctx.prompt(name), ids.length), x); // [B, n+T, C]
        x = embedDropout.forward(x, ctx);
        int[][] m = VirtualTokens.extendMask(mask, n);
        for (TransformerBlock b : blocks) x = b.forward(x, m, memory, memoryMask, ctx);
        return lnF.forward(x);
    }

    /** n, the number of virtual tokens {@link #forward} prepends in context {@code ctx} (0 without a prompt). */
    public int promptLength(ForwardContext ctx) {
        Var p = ctx.prompt(name);
        return p == null ? 0 : VirtualTokens.rows(p, token.outFeatures(), "TransformerStack " + name);
    }

    public int maxLen() {
        return position.maxLen();
    }

    /** Sites in parameter order: token and position tables, then each block's Linears. */
    public List<Site> sites() {
        List<Site> s = new ArrayList<>();
        s.add(token);
        s.add(position.table());
        for (TransformerBlock b : blocks) s.addAll(b.sites());
        return s;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "embed.token", token);
        Module.addChild(m, "embed.position", position);
        for (int i = 0; i < blocks.size(); i++) Module.addChild(m, "blocks." + i, blocks.get(i));
        Module.addChild(m, "ln_f", lnF);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        token.setTrainable(trainable);
        position.setTrainable(trainable);
        for (TransformerBlock b : blocks) b.setTrainable(trainable);
        lnF.setTrainable(trainable);
    }
}

package cola4j.models.layers;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Pre-LN transformer block (GPT-2 layout), x [B, T, C] → [B, T, C]:
 * <pre>
 *   x = x + dropout(attn(ln1(x)))                       self-attention (causal for decoders)
 *   x = x + dropout(cross_attn(ln_cross(x), memory))    only in decoder blocks of an encoder-decoder
 *   x = x + dropout(mlp(ln2(x)))                        mlp: C → 4C → C with tanh GELU
 * </pre>
 * Children in parameter/init order: ln1, attn, [ln_cross, cross_attn], ln2, mlp.
 */
public final class TransformerBlock implements Module {
    private final boolean causal;
    private final LayerNorm ln1, lnCross, ln2;
    private final MultiHeadAttention attn, crossAttn;
    private final Mlp mlp;
    private final Dropout residDropout;

    /**
     * @param name  block path, e.g. {@code decoder.blocks.1}
     * @param cross add a cross-attention sub-layer over an encoder memory
     */
    public TransformerBlock(String name, int dModel, int heads, double dropout, boolean causal, boolean cross,
            DType dtype, Rng rng) {
        this.causal = causal;
        this.ln1 = new LayerNorm(name + ".ln1", dModel, dtype);
        this.attn = new MultiHeadAttention(name + ".attn", dModel, heads, dropout, dtype, rng);
        this.lnCross = cross ? new LayerNorm(name + ".ln_cross", dModel, dtype) : null;
        this.crossAttn = cross
                ? new MultiHeadAttention(name + ".cross_attn", dModel, heads, dropout, dtype, rng) : null;
        this.ln2 = new LayerNorm(name + ".ln2", dModel, dtype);
        this.mlp = new Mlp(name + ".mlp", dModel, 4 * dModel, dtype, rng);
        this.residDropout = new Dropout(dropout);
    }

    /**
     * @param x             [B, T, C]
     * @param keyMask       [B][T] padding mask of x (1 real, 0 pad) or null
     * @param memory        [B, S, C] encoder output for cross-attention (null in blocks without it)
     * @param memoryKeyMask [B][S] padding mask of the memory or null
     */
    public Var forward(Var x, int[][] keyMask, Var memory, int[][] memoryKeyMask, ForwardContext ctx) {
        Var a = ln1.forward(x);
        x = x.add(residDropout.forward(attn.forward(a, a, causal, keyMask, ctx), ctx));
        if (crossAttn != null) {
            if (memory == null) {
                throw new IllegalArgumentException("TransformerBlock: cross-attention block needs an encoder memory");
            }
            x = x.add(residDropout.forward(crossAttn.forward(lnCross.forward(x), memory, false, memoryKeyMask, ctx),
                    ctx));
        }
        return x.add(residDropout.forward(mlp.forward(ln2.forward(x), ctx), ctx));
    }

    /** Self-attention-only shortcut. */
    public Var forward(Var x, int[][] keyMask, ForwardContext ctx) {
        return forward(x, keyMask, null, null, ctx);
    }

    /** The block's sites in parameter order. */
    public List<Site> sites() {
        List<Site> s = new ArrayList<>(attn.linears());
        if (crossAttn != null) s.addAll(crossAttn.linears());
        s.addAll(mlp.linears());
        return s;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "ln1", ln1);
        Module.addChild(m, "attn", attn);
        if (crossAttn != null) {
            Module.addChild(m, "ln_cross", lnCross);
            Module.addChild(m, "cross_attn", crossAttn);
        }
        Module.addChild(m, "ln2", ln2);
        Module.addChild(m, "mlp", mlp);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        ln1.setTrainable(trainable);
        attn.setTrainable(trainable);
        if (crossAttn != null) {
            lnCross.setTrainable(trainable);
            crossAttn.setTrainable(trainable);
        }
        ln2.setTrainable(trainable);
        mlp.setTrainable(trainable);
    }
}

package cola4j.models.hf;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.LayerNorm;
import cola4j.models.layers.Linear;
import cola4j.models.layers.MultiHeadAttention;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * transformers' {@code GPT2Block} (pre-LN), x [B, T, C] → [B, T, C], with p = {@code transformer.h.i}:
 * <pre>
 *   q, k, v = split(c_attn(ln_1(x)), C)                 c_attn: C → 3C (one fused Conv1D, one site)
 *   x = x + drop(c_proj(attend(q, k, v, causal)))       attend: softmax(QKᵀ/√hs + mask)·V per head
 *   x = x + drop(mlp.c_proj(act(mlp.c_fc(ln_2(x)))))    act = activation_function ("gelu_new")
 * </pre>
 * Sites: {@code p.attn.c_attn}, {@code p.attn.c_proj}, {@code p.mlp.c_fc}, {@code p.mlp.c_proj}.
 */
final class Gpt2Block implements Module {
    private final LayerNorm ln1, ln2;
    private final Linear cAttn, attnProj, cFc, mlpProj;
    private final Dropout resid, attnDrop;
    private final HfConfig c;

    Gpt2Block(String p, HfConfig c, Rng rng) {
        this.c = c;
        int d = c.hidden();
        this.ln1 = new LayerNorm(p + ".ln_1", d, c.eps(), c.dtype());
        this.cAttn = new Linear(p + ".attn.c_attn", d, 3 * d, true, c.dtype(), rng);
        this.attnProj = new Linear(p + ".attn.c_proj", d, d, true, c.dtype(), rng);
        this.ln2 = new LayerNorm(p + ".ln_2", d, c.eps(), c.dtype());
        this.cFc = new Linear(p + ".mlp.c_fc", d, c.intermediate(), true, c.dtype(), rng);
        this.mlpProj = new Linear(p + ".mlp.c_proj", c.intermediate(), d, true, c.dtype(), rng);
        this.resid = new Dropout(c.dropout());
        this.attnDrop = new Dropout(c.attentionDropout());
    }

    Var forward(Var x, int[][] mask, ForwardContext ctx) {
        int d = c.hidden();
        Var qkv = cAttn.forward(ln1.forward(x), ctx); // [B, T, 3C]
        Var y = MultiHeadAttention.attend(qkv.slice(2, 0, d), qkv.slice(2, d, 2 * d), qkv.slice(2, 2 * d, 3 * d),
                c.heads(), true, mask, attnDrop, ctx); // [B, T, C]
        x = x.add(resid.forward(attnProj.forward(y, ctx), ctx));
        Var m = mlpProj.forward(c.activation().apply(cFc.forward(ln2.forward(x), ctx)), ctx);
        return x.add(resid.forward(m, ctx));
    }

    List<Site> sites() {
        return List.of(cAttn, attnProj, cFc, mlpProj);
    }

    /** The Conv1D weights of this block, relative names. */
    static List<String> conv1d() {
        return List.of("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight");
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "ln_1", ln1);
        Module.addChild(m, "attn.c_attn", cAttn);
        Module.addChild(m, "attn.c_proj", attnProj);
        Module.addChild(m, "ln_2", ln2);
        Module.addChild(m, "mlp.c_fc", cFc);
        Module.addChild(m, "mlp.c_proj", mlpProj);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        ln1.setTrainable(trainable);
        cAttn.setTrainable(trainable);
        attnProj.setTrainable(trainable);
        ln2.setTrainable(trainable);
        cFc.setTrainable(trainable);
        mlpProj.setTrainable(trainable);
    }
}

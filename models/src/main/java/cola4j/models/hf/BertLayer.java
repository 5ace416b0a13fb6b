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
 * transformers' {@code BertLayer} (also RoBERTa's), post-LN, x [B, T, C] → [B, T, C], with
 * p = {@code bert.encoder.layer.i} (or {@code roberta.…}):
 * <pre>
 *   a = attend(query(x), key(x), value(x))                     attention.self.{query,key,value}; padded keys masked
 *   a = LN_a(drop(attention.output.dense(a)) + x)              attention.output.LayerNorm
 *   o = LN_o(drop(output.dense(act(intermediate.dense(a)))) + a)   output.LayerNorm; act = hidden_act ("gelu", erf)
 * </pre>
 */
final class BertLayer implements Module {
    private final Linear query, key, value, attnOut, inter, out;
    private final LayerNorm lnAttn, lnOut;
    private final Dropout drop, attnDrop;
    private final HfConfig c;

    BertLayer(String p, HfConfig c, Rng rng) {
        this.c = c;
        int d = c.hidden();
        this.query = new Linear(p + ".attention.self.query", d, d, true, c.dtype(), rng);
        this.key = new Linear(p + ".attention.self.key", d, d, true, c.dtype(), rng);
        this.value = new Linear(p + ".attention.self.value", d, d, true, c.dtype(), rng);
        this.attnOut = new Linear(p + ".attention.output.dense", d, d, true, c.dtype(), rng);
        this.lnAttn = new LayerNorm(p + ".attention.output.LayerNorm", d, c.eps(), c.dtype());
        this.inter = new Linear(p + ".intermediate.dense", d, c.intermediate(), true, c.dtype(), rng);
        this.out = new Linear(p + ".output.dense", c.intermediate(), d, true, c.dtype(), rng);
        this.lnOut = new LayerNorm(p + ".output.LayerNorm", d, c.eps(), c.dtype());
        this.drop = new Dropout(c.dropout());
        this.attnDrop = new Dropout(c.attentionDropout());
    }

    Var forward(Var x, int[][] mask, ForwardContext ctx) {
        Var a = MultiHeadAttention.attend(query.forward(x, ctx), key.forward(x, ctx), value.forward(x, ctx),
                c.heads(), false, mask, attnDrop, ctx);
        a = lnAttn.forward(drop.forward(attnOut.forward(a, ctx), ctx).add(x));
        Var h = out.forward(c.activation().apply(inter.forward(a, ctx)), ctx);
        return lnOut.forward(drop.forward(h, ctx).add(a));
    }

    List<Site> sites() {
        return List.of(query, key, value, attnOut, inter, out);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "attention.self.query", query);
        Module.addChild(m, "attention.self.key", key);
        Module.addChild(m, "attention.self.value", value);
        Module.addChild(m, "attention.output.dense", attnOut);
        Module.addChild(m, "attention.output.LayerNorm", lnAttn);
        Module.addChild(m, "intermediate.dense", inter);
        Module.addChild(m, "output.dense", out);
        Module.addChild(m, "output.LayerNorm", lnOut);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Linear l : List.of(query, key, value, attnOut, inter, out)) l.setTrainable(trainable);
        lnAttn.setTrainable(trainable);
        lnOut.setTrainable(trainable);
    }
}

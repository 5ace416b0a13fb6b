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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * transformers' {@code BartEncoderLayer} / {@code BartDecoderLayer} (post-LN), x [B, T, C] → [B, T, C], with
 * p = {@code model.encoder.layers.i} or {@code model.decoder.layers.i}:
 * <pre>
 *   x = self_attn_layer_norm(x + drop(self_attn.out_proj(attend(q_proj(x), k_proj(x), v_proj(x)))))
 *                                                      decoder: causal; encoder: padded keys masked
 *   x = encoder_attn_layer_norm(x + drop(encoder_attn.out_proj(attend(q_proj(x), k_proj(m), v_proj(m)))))
 *                                                      decoder only; m = encoder output, padded source keys masked
 *   x = final_layer_norm(x + drop(fc2(act_drop(act(fc1(x))))))
 * </pre>
 * transformers scales q by hs^(−1/2) before QKᵀ; here QKᵀ is divided by √hs (equal up to rounding).
 */
final class BartLayer implements Module {
    private final Linear[] self, cross;
    private final LayerNorm selfLn, crossLn, finalLn;
    private final Linear fc1, fc2;
    private final Dropout drop, attnDrop, actDrop;
    private final HfConfig c;
    private final int heads;

    BartLayer(String p, HfConfig c, boolean decoder, Rng rng) {
        this.c = c;
        int d = c.hidden(), ffn = decoder ? c.decoderIntermediate() : c.intermediate();
        this.heads = decoder ? c.decoderHeads() : c.heads();
        this.self = projections(p + ".self_attn", d, c, rng);
        this.selfLn = new LayerNorm(p + ".self_attn_layer_norm", d, c.eps(), c.dtype());
        this.cross = decoder ? projections(p + ".encoder_attn", d, c, rng) : null;
        this.crossLn = decoder ? new LayerNorm(p + ".encoder_attn_layer_norm", d, c.eps(), c.dtype()) : null;
        this.fc1 = new Linear(p + ".fc1", d, ffn, true, c.dtype(), rng);
        this.fc2 = new Linear(p + ".fc2", ffn, d, true, c.dtype(), rng);
        this.finalLn = new LayerNorm(p + ".final_layer_norm", d, c.eps(), c.dtype());
        this.drop = new Dropout(c.dropout());
        this.attnDrop = new Dropout(c.attentionDropout());
        this.actDrop = new Dropout(c.activationDropout());
    }

    /** k_proj, v_proj, q_proj, out_proj (transformers' order). */
    private static Linear[] projections(String p, int d, HfConfig c, Rng rng) {
        String[] n = {"k_proj", "v_proj", "q_proj", "out_proj"};
        Linear[] l = new Linear[4];
        for (int i = 0; i < 4; i++) l[i] = new Linear(p + "." + n[i], d, d, true, c.dtype(), rng);
        return l;
    }

    private Var attention(Linear[] w, Var x, Var kv, boolean causal, int[][] keyMask, ForwardContext ctx) {
        Var y = MultiHeadAttention.attend(w[2].forward(x, ctx), w[0].forward(kv, ctx), w[1].forward(kv, ctx), heads,
                causal, keyMask, attnDrop, ctx);
        return drop.forward(w[3].forward(y, ctx), ctx);
    }

    /** Encoder layer: memory null, x's own padding mask; decoder layer: causal, memory and its mask. */
    Var forward(Var x, int[][] mask, Var memory, int[][] memoryMask, ForwardContext ctx) {
        boolean decoder = cross != null;
        x = selfLn.forward(x.add(attention(self, x, x, decoder, decoder ? null : mask, ctx)));
        if (decoder) x = crossLn.forward(x.add(attention(cross, x, memory, false, memoryMask, ctx)));
        Var h = fc2.forward(actDrop.forward(c.activation().apply(fc1.forward(x, ctx)), ctx), ctx);
        return finalLn.forward(x.add(drop.forward(h, ctx)));
    }

    List<Site> sites() {
        List<Site> s = new ArrayList<>(List.of(self));
        if (cross != null) s.addAll(List.of(cross));
        s.add(fc1);
        s.add(fc2);
        return s;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        String[] n = {"k_proj", "v_proj", "q_proj", "out_proj"};
        for (int i = 0; i < 4; i++) Module.addChild(m, "self_attn." + n[i], self[i]);
        Module.addChild(m, "self_attn_layer_norm", selfLn);
        if (cross != null) {
            for (int i = 0; i < 4; i++) Module.addChild(m, "encoder_attn." + n[i], cross[i]);
            Module.addChild(m, "encoder_attn_layer_norm", crossLn);
        }
        Module.addChild(m, "fc1", fc1);
        Module.addChild(m, "fc2", fc2);
        Module.addChild(m, "final_layer_norm", finalLn);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Linear l : self) l.setTrainable(trainable);
        selfLn.setTrainable(trainable);
        if (cross != null) {
            for (Linear l : cross) l.setTrainable(trainable);
            crossLn.setTrainable(trainable);
        }
        fc1.setTrainable(trainable);
        fc2.setTrainable(trainable);
        finalLn.setTrainable(trainable);
    }
}

package cola4j.models.hf;

import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.Embedding;
import cola4j.models.layers.LayerNorm;
import cola4j.models.layers.Tokens;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * transformers' {@code GPT2LMHeadModel}: ids [B][T] → logits [B, T, V].
 * <pre>
 *   x = drop(wte[ids] + wpe[0..T−1])                  transformer.wte [V, C], transformer.wpe [n_positions, C]
 *   x = Gpt2Block_i(x) for i = 0..n_layer−1           transformer.h.i (pre-LN, causal)
 *   logits = ln_f(x)·wteᵀ                             lm_head tied to wte (no bias, not a separate site)
 *   loss = CE(logits[:, :−1], labels[:, 1:])          mean over labels ≠ −100
 * </pre>
 * Positions are 0..T−1 whatever the padding (as transformers without {@code position_ids}); an attention mask
 * removes padded keys. Sites: {@code transformer.wte}, {@code transformer.wpe}, and each block's four Conv1Ds.
 */
public final class HfGpt2 implements HfModel {
    private final HfConfig c;
    private final Embedding wte, wpe;
    private final Dropout drop;
    private final List<Gpt2Block> blocks = new ArrayList<>();
    private final LayerNorm lnF;

    /** Random init from {@code rng} (replaced by the checkpoint's tensors in {@link HfLoader}). */
    public HfGpt2(HfConfig c, Rng rng) {
        if (!c.modelType().equals("gpt2")) throw new IllegalArgumentException("HfGpt2 needs model_type gpt2");
        this.c = c;
        this.wte = new Embedding("transformer.wte", c.vocabSize(), c.hidden(), c.dtype(), rng);
        this.wpe = new Embedding("transformer.wpe", c.maxPositions(), c.hidden(), c.dtype(), rng);
        this.drop = new Dropout(c.dropout());
        for (int i = 0; i < c.layers(); i++) blocks.add(new Gpt2Block("transformer.h." + i, c, rng));
        this.lnF = new LayerNorm("transformer.ln_f", c.hidden(), c.eps(), c.dtype());
    }

    @Override
    public Var logits(HfInputs in, ForwardContext ctx) {
        int[][] ids = in.inputIds();
        int t = Tokens.width(ids, "input_ids");
        if (t > c.maxPositions()) {
            throw new IllegalArgumentException("gpt2: sequence length " + t + " > n_positions " + c.maxPositions());
        }
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        Var x = drop.forward(wte.forward(ids, ctx).add(wpe.forward(new int[][] {pos}, ctx)), ctx); // [B, T, C]
        for (Gpt2Block b : blocks) x = b.forward(x, in.attentionMask(), ctx);
        Var w = wte.namedParameters().get("weight"); // tied lm_head
        return lnF.forward(x).matmul(w, false, true); // [B, T, C]·[V, C]ᵀ → [B, T, V]
    }

    @Override
    public Var loss(HfInputs in, ForwardContext ctx) {
        int[][] labels = in.labels();
        if (labels == null) throw new IllegalArgumentException("gpt2 loss: labels are required");
        int b = in.inputIds().length, t = in.inputIds()[0].length;
        if (Tokens.width(labels, "labels") != t || t < 2) {
            throw new IllegalArgumentException("gpt2 loss: labels must be [" + b + "][" + t + "] with T >= 2");
        }
        Var shifted = logits(in, ctx).slice(1, 0, t - 1).reshape(b * (t - 1), c.vocabSize()); // [B·(T−1), V]
        int[] target = new int[b * (t - 1)];
        for (int i = 0; i < b; i++) System.arraycopy(labels[i], 1, target, i * (t - 1), t - 1);
        return Losses.crossEntropy(shifted, target);
    }

    @Override public HfConfig config() { return c; }
    @Override public Task task() { return Task.CAUSAL_LM; }
    @Override public DType dtype() { return c.dtype(); }

    @Override
    public Set<String> conv1dWeights() {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < blocks.size(); i++) {
            for (String n : Gpt2Block.conv1d()) s.add("transformer.h." + i + "." + n);
        }
        return s;
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(List.of(wte, wpe));
        for (Gpt2Block b : blocks) s.addAll(b.sites());
        return cola4j.models.Model.index(s);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "transformer.wte", wte);
        Module.addChild(m, "transformer.wpe", wpe);
        for (int i = 0; i < blocks.size(); i++) Module.addChild(m, "transformer.h." + i, blocks.get(i));
        Module.addChild(m, "transformer.ln_f", lnF);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        wte.setTrainable(trainable);
        wpe.setTrainable(trainable);
        for (Gpt2Block b : blocks) b.setTrainable(trainable);
        lnF.setTrainable(trainable);
    }
}

package cola4j.models.hf;

import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.Module;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.Embedding;
import cola4j.models.layers.LayerNorm;
import cola4j.models.layers.Tokens;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * transformers' {@code BartForConditionalGeneration}: (input_ids [B][S], decoder_input_ids [B][T])
 * → logits [B, T, V].
 * <pre>
 *   e(ids, s) = drop(layernorm_embedding(shared[ids]·σ + embed_positions[2..T+1]))  σ = √C or 1 (scale_embedding)
 *   m = encoder layers over e(input_ids, model.encoder)       padded source keys masked (attention_mask)
 *   h = decoder layers over e(decoder_input_ids, model.decoder), causal, cross-attending to m
 *   logits = h·sharedᵀ + final_logits_bias                    lm_head tied to model.shared
 *   loss = CE(logits, labels), −100 ignored
 * </pre>
 * embed_positions have max_position_embeddings + 2 rows (transformers' offset 2). Without decoder_input_ids they are
 * {@code shift_tokens_right(labels or input_ids, pad_token_id, decoder_start_token_id)}: [start, y₀, …, y_{T−2}]
 * with −100 replaced by the pad id. Sites: {@code model.shared} (the tied token table: one module in PEFT too),
 * {@code model.{encoder,decoder}.embed_positions}, and each layer's projections, fc1 and fc2.
 */
public final class HfBart implements HfModel {
    private final HfConfig c;
    private final Embedding shared, encPos, decPos;
    private final LayerNorm encLn, decLn;
    private final Dropout drop;
    private final List<BartLayer> encoder = new ArrayList<>(), decoder = new ArrayList<>();
    private final Tensor finalLogitsBias;

    public HfBart(HfConfig c, Rng rng) {
        if (!c.modelType().equals("bart")) throw new IllegalArgumentException("HfBart needs model_type bart");
        this.c = c;
        int d = c.hidden();
        this.shared = new Embedding("model.shared", c.vocabSize(), d, c.dtype(), rng);
        this.encPos = new Embedding("model.encoder.embed_positions", c.maxPositions() + 2, d, c.dtype(), rng);
        this.encLn = new LayerNorm("model.encoder.layernorm_embedding", d, c.eps(), c.dtype());
        for (int i = 0; i < c.layers(); i++) encoder.add(new BartLayer("model.encoder.layers." + i, c, false, rng));
        this.decPos = new Embedding("model.decoder.embed_positions", c.maxPositions() + 2, d, c.dtype(), rng);
        this.decLn = new LayerNorm("model.decoder.layernorm_embedding", d, c.eps(), c.dtype());
        for (int i = 0; i < c.decoderLayers(); i++) {
            decoder.add(new BartLayer("model.decoder.layers." + i, c, true, rng));
        }
        this.drop = new Dropout(c.dropout());
        this.finalLogitsBias = Tensor.zeros(c.dtype(), 1, c.vocabSize());
    }

    private Var embed(int[][] ids, Embedding pos, LayerNorm ln, ForwardContext ctx) {
        int t = Tokens.width(ids, "bart ids");
        if (t > c.maxPositions()) {
            throw new IllegalArgumentException("bart: sequence length " + t + " > max_position_embeddings "
                    + c.maxPositions());
        }
        int[] p = new int[t];
        for (int i = 0; i < t; i++) p[i] = i + 2;
        Var tok = shared.forward(ids, ctx);
        if (c.scaleEmbedding()) tok = tok.mul(Math.sqrt(c.hidden()));
        return drop.forward(ln.forward(tok.add(pos.forward(new int[][] {p}, ctx))), ctx);
    }

    /** transformers' {@code shift_tokens_right}: [start, x₀, …, x_{T−2}], −100 → pad. */
    public int[][] shiftTokensRight(int[][] x) {
        int[][] y = new int[x.length][];
        for (int b = 0; b < x.length; b++) {
            y[b] = new int[x[b].length];
            y[b][0] = c.decoderStartTokenId();
            for (int i = 1; i < x[b].length; i++) y[b][i] = x[b][i - 1] == -100 ? c.padTokenId() : x[b][i - 1];
        }
        return y;
    }

    /** The decoder inputs used for {@code in} (given, or shifted from labels, else from input_ids). */
    public int[][] decoderInputs(HfInputs in) {
        if (in.decoderInputIds() != null) return in.decoderInputIds();
        return shiftTokensRight(in.labels() != null ? in.labels() : in.inputIds());
    }

    @Override
    public Var logits(HfInputs in, ForwardContext ctx) {
        int[][] mask = in.attentionMask();
        Var m = embed(in.inputIds(), encPos, encLn, ctx);
        for (BartLayer l : encoder) m = l.forward(m, mask, null, null, ctx);
        Var h = embed(decoderInputs(in), decPos, decLn, ctx);
        for (BartLayer l : decoder) h = l.forward(h, null, m, mask, ctx);
        Var w = shared.namedParameters().get("weight"); // tied lm_head
        return h.matmul(w, false, true).add(Var.constant(finalLogitsBias)); // [B, T, V] + [1, V]
    }

    @Override
    public Var loss(HfInputs in, ForwardContext ctx) {
        int[][] labels = in.labels();
        if (labels == null) throw new IllegalArgumentException("bart loss: labels are required");
        int[][] dec = decoderInputs(in);
        int b = dec.length, t = dec[0].length;
        if (Tokens.width(labels, "labels") != t) {
            throw new IllegalArgumentException("bart loss: labels must be [" + b + "][" + t
                    + "] like decoder_input_ids");
        }
        int[] target = new int[b * t];
        for (int i = 0; i < b; i++) System.arraycopy(labels[i], 0, target, i * t, t);
        return Losses.crossEntropy(logits(in, ctx).reshape(b * t, c.vocabSize()), target);
    }

    /** The {@code final_logits_bias} buffer [1, V] (not a parameter; the loader fills it in place). */
    public Tensor finalLogitsBias() {
        return finalLogitsBias;
    }

    @Override public HfConfig config() { return c; }
    @Override public Task task() { return Task.SEQ2SEQ_LM; }
    @Override public DType dtype() { return c.dtype(); }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(List.of(shared, encPos));
        for (BartLayer l : encoder) s.addAll(l.sites());
        s.add(decPos);
        for (BartLayer l : decoder) s.addAll(l.sites());
        return Model.index(s);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "model.shared", shared);
        Module.addChild(m, "model.encoder.embed_positions", encPos);
        for (int i = 0; i < encoder.size(); i++) Module.addChild(m, "model.encoder.layers." + i, encoder.get(i));
        Module.addChild(m, "model.encoder.layernorm_embedding", encLn);
        Module.addChild(m, "model.decoder.embed_positions", decPos);
        for (int i = 0; i < decoder.size(); i++) Module.addChild(m, "model.decoder.layers." + i, decoder.get(i));
        Module.addChild(m, "model.decoder.layernorm_embedding", decLn);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Embedding e : List.of(shared, encPos, decPos)) e.setTrainable(trainable);
        encLn.setTrainable(trainable);
        decLn.setTrainable(trainable);
        for (BartLayer l : encoder) l.setTrainable(trainable);
        for (BartLayer l : decoder) l.setTrainable(trainable);
    }
}

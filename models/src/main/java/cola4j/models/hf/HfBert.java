package cola4j.models.hf;

import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.Module;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.Embedding;
import cola4j.models.layers.LayerNorm;
import cola4j.models.layers.Linear;
import cola4j.models.layers.Tokens;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * transformers' {@code BertForSequenceClassification} and {@code RobertaForSequenceClassification}: ids [B][T] →
 * logits [B, K], with p = {@code bert} or {@code roberta}:
 * <pre>
 *   x = drop(LN_e(word[ids] + position[pos] + token_type[tt]))    p.embeddings.*, LN_e = p.embeddings.LayerNorm
 *       pos: BERT 0..T−1; RoBERTa pad + cumsum(ids ≠ pad)·(ids ≠ pad), so pads sit at pad_token_id
 *       tt:  token_type_ids, zeros when absent
 *   x = BertLayer_i(x) for i = 0..L−1                            p.encoder.layer.i (post-LN)
 *   BERT:    logits = classifier(drop(tanh(p.pooler.dense(x[:, 0]))))
 *   RoBERTa: logits = classifier.out_proj(drop(tanh(classifier.dense(drop(x[:, 0])))))
 *   loss = CE(logits, labels[:, 0])
 * </pre>
 * Head dropout is {@code classifier_dropout} (null: {@code hidden_dropout_prob}).
 */
public final class HfBert implements HfModel {
    private final HfConfig c;
    private final String p;
    private final boolean roberta;
    private final Embedding word, position, tokenType;
    private final LayerNorm lnEmb;
    private final Dropout drop, headDrop;
    private final List<BertLayer> layers = new ArrayList<>();
    private final Linear pooler, classifier, dense, outProj;

    public HfBert(HfConfig c, Rng rng) {
        if (!c.isEncoder()) throw new IllegalArgumentException("HfBert needs model_type bert or roberta");
        this.c = c;
        this.roberta = c.modelType().equals("roberta");
        this.p = c.modelType();
        int d = c.hidden();
        this.word = new Embedding(p + ".embeddings.word_embeddings", c.vocabSize(), d, c.dtype(), rng);
        this.position = new Embedding(p + ".embeddings.position_embeddings", c.maxPositions(), d, c.dtype(), rng);
        this.tokenType = new Embedding(p + ".embeddings.token_type_embeddings", c.typeVocabSize(), d, c.dtype(), rng);
        this.lnEmb = new LayerNorm(p + ".embeddings.LayerNorm", d, c.eps(), c.dtype());
        this.drop = new Dropout(c.dropout());
        this.headDrop = new Dropout(c.classifierDropout());
        for (int i = 0; i < c.layers(); i++) layers.add(new BertLayer(p + ".encoder.layer." + i, c, rng));
        this.pooler = roberta ? null : new Linear(p + ".pooler.dense", d, d, true, c.dtype(), rng);
        this.classifier = roberta ? null : new Linear("classifier", d, c.numLabels(), true, c.dtype(), rng);
        this.dense = roberta ? new Linear("classifier.dense", d, d, true, c.dtype(), rng) : null;
        this.outProj = roberta ? new Linear("classifier.out_proj", d, c.numLabels(), true, c.dtype(), rng) : null;
    }

    /** Position ids: BERT [[0..T−1]] (broadcast over rows), RoBERTa per row from the ids (see the class comment). */
    int[][] positionIds(int[][] ids) {
        int t = Tokens.width(ids, "input_ids");
        int last = roberta ? c.padTokenId() + t : t - 1;
        if (last >= c.maxPositions()) {
            throw new IllegalArgumentException(p + ": sequence length " + t + " needs position " + last
                    + " >= max_position_embeddings " + c.maxPositions());
        }
        if (!roberta) {
            int[] pos = new int[t];
            for (int i = 0; i < t; i++) pos[i] = i;
            return new int[][] {pos};
        }
        int pad = c.padTokenId();
        int[][] pos = new int[ids.length][t];
        for (int b = 0; b < ids.length; b++) {
            int count = 0;
            for (int i = 0; i < t; i++) {
                boolean real = ids[b][i] != pad;
                if (real) count++;
                pos[b][i] = real ? pad + count : pad;
            }
        }
        return pos;
    }

    @Override
    public Var logits(HfInputs in, ForwardContext ctx) {
        int[][] ids = in.inputIds();
        int[][] tt = in.tokenTypeIds() != null ? in.tokenTypeIds() : new int[ids.length][ids[0].length];
        Var e = word.forward(ids, ctx).add(position.forward(positionIds(ids), ctx)).add(tokenType.forward(tt, ctx));
        Var x = drop.forward(lnEmb.forward(e), ctx); // [B, T, C]
        for (BertLayer l : layers) x = l.forward(x, in.attentionMask(), ctx);
        Var first = x.slice(1, 0, 1).reshape(ids.length, c.hidden()); // [B, C]
        if (!roberta) return classifier.forward(headDrop.forward(pooler.forward(first, ctx).tanh(), ctx), ctx);
        Var z = dense.forward(headDrop.forward(first, ctx), ctx).tanh();
        return outProj.forward(headDrop.forward(z, ctx), ctx); // [B, K]
    }

    @Override
    public Var loss(HfInputs in, ForwardContext ctx) {
        int[][] labels = in.labels();
        if (labels == null || Tokens.width(labels, "labels") != 1) {
            throw new IllegalArgumentException(p + " loss: labels must be [B][1] class ids");
        }
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) y[i] = labels[i][0];
        return Losses.crossEntropy(logits(in, ctx), y);
    }

    /** The classification head's parameter names (initialized by the loader when a checkpoint lacks them). */
    public List<String> headParameters() {
        return roberta ? List.of("classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight",
                "classifier.out_proj.bias") : List.of("classifier.weight", "classifier.bias");
    }

    @Override public HfConfig config() { return c; }
    @Override public Task task() { return Task.SEQUENCE_CLASSIFICATION; }
    @Override public DType dtype() { return c.dtype(); }

    private List<Linear> head() {
        return roberta ? List.of(dense, outProj) : List.of(pooler, classifier);
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(List.of(word, position, tokenType));
        for (BertLayer l : layers) s.addAll(l.sites());
        s.addAll(head());
        return Model.index(s);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, p + ".embeddings.word_embeddings", word);
        Module.addChild(m, p + ".embeddings.position_embeddings", position);
        Module.addChild(m, p + ".embeddings.token_type_embeddings", tokenType);
        Module.addChild(m, p + ".embeddings.LayerNorm", lnEmb);
        for (int i = 0; i < layers.size(); i++) Module.addChild(m, p + ".encoder.layer." + i, layers.get(i));
        for (Linear l : head()) Module.addChild(m, l.name(), l);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Embedding e : List.of(word, position, tokenType)) e.setTrainable(trainable);
        lnEmb.setTrainable(trainable);
        for (BertLayer l : layers) l.setTrainable(trainable);
        for (Linear l : head()) l.setTrainable(trainable);
    }
}

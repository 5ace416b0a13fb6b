package cola4j.models;

import cola4j.autograd.GradMode;
import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.layers.Linear;
import cola4j.models.layers.Tokens;
import cola4j.models.layers.TransformerStack;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * GPT-2-style causal language model (pre-LN, untied head): ids [B][T] → logits [B, T, V].
 * <pre>
 *   h = TransformerStack(ids)        embed.token, embed.position, blocks.0..N−1 (causal), ln_f
 *   logits = h·W_lmᵀ                 lm_head [V, C], no bias
 * </pre>
 * Position t sees only tokens 0..t. Sites: {@code embed.token}, {@code embed.position},
 * {@code blocks.i.attn.{query,key,value,out}}, {@code blocks.i.mlp.{fc1,fc2}}, {@code lm_head}.
 */
public final class DecoderLM implements Model {
    private final DecoderLMConfig config;
    private final TransformerStack stack;
    private final Linear lmHead;

    public DecoderLM(DecoderLMConfig c, Rng rng) {
        this.config = c;
        this.stack = new TransformerStack("", c.vocabSize(), c.maxLen(), c.dModel(), c.layers(), c.heads(), c.dropout(),
                true, false, c.dtype(), rng);
        this.lmHead = new Linear("lm_head", c.dModel(), c.vocabSize(), false, c.dtype(), rng);
    }

    public DecoderLMConfig config() {
        return config;
    }

    /**
     * ids [B][T] → logits [B, T, V]; mask [B][T] (1 real, 0 pad) additionally masks padded keys, null = none. With
     * prompt tuning in {@code ctx} the stack runs over n + T positions and the n virtual ones are dropped before the
     * head (PEFT's −100 labels for them): logits stay [B, T, V].
     */
    public Var forward(int[][] ids, int[][] mask, ForwardContext ctx) {
        Var h = stack.forward(ids, mask, null, null, ctx); // [B, n + T, C]
        int n = stack.promptLength(ctx), t = ids[0].length;
        return lmHead.forward(n == 0 ? h : h.slice(1, n, n + t), ctx);
    }

    /** Unpadded (or right-padded) batch: {@code forward(ids, null, ctx)}. */
    public Var forward(int[][] ids, ForwardContext ctx) {
        return forward(ids, null, ctx);
    }

    /**
     * Mean cross-entropy of logits[b, t] against targets[b][t] (same shape as inputs; −100 = ignored, e.g. prompt
     * or padding). For plain next-token prediction use {@link #nextTokenLoss}.
     */
    public Var loss(int[][] inputs, int[][] targets, ForwardContext ctx) {
        int b = inputs.length, t = Tokens.width(inputs, "DecoderLM.loss");
        if (targets.length != b || Tokens.width(targets, "DecoderLM.loss targets") != t) {
            throw new IllegalArgumentException("DecoderLM.loss: targets [" + targets.length + "][" + targets[0].length
                    + "] must match inputs [" + b + "][" + t + "]");
        }
        Var logits = forward(inputs, ctx).reshape(b * t, config.vocabSize()); // [B, T, V] -> [B*T, V]
        return Losses.crossEntropy(logits, flatten(targets));
    }

    /** Loss of predicting ids[:, 1:] from ids[:, :-1]. */
    public Var nextTokenLoss(int[][] ids, ForwardContext ctx) {
        int t = Tokens.width(ids, "DecoderLM.nextTokenLoss");
        if (t < 2) {
            throw new IllegalArgumentException("DecoderLM.nextTokenLoss: sequences need at least 2 tokens, got " + t);
        }
        int[][] in = new int[ids.length][], tg = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            in[i] = Arrays.copyOfRange(ids[i], 0, t - 1);
            tg[i] = Arrays.copyOfRange(ids[i], 1, t);
        }
        return loss(in, tg, ctx);
    }

    /**
     * Greedy continuation: appends argmax tokens until {@code endToken} (−1: none) or maxNewTokens; returns
     * prompt + new tokens.
     */
    public int[] generateGreedy(int[] prompt, int maxNewTokens, int endToken) {
        return generate(prompt, maxNewTokens, endToken, 0.0, null);
    }

    /**
     * Sampled continuation: each next token is drawn from softmax(logits / temperature) using one
     * {@code rng.nextDouble()} per token (inverse CDF over ids 0..V−1). Same rng seed, same output.
     */
    public int[] generateSampled(int[] prompt, int maxNewTokens, int endToken, double temperature, Rng rng) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("DecoderLM.generateSampled: temperature must be > 0, got "
                    + temperature);
        }
        if (rng == null) throw new IllegalArgumentException("DecoderLM.generateSampled: rng is null");
        return generate(prompt, maxNewTokens, endToken, temperature, rng);
    }

    private int[] generate(int[] prompt, int maxNewTokens, int endToken, double temperature, Rng rng) {
        if (prompt.length == 0) throw new IllegalArgumentException("DecoderLM.generate: empty prompt");
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("DecoderLM.generate: maxNewTokens " + maxNewTokens + " < 0");
        }
        List<Integer> seq = new ArrayList<>();
        for (int p : prompt) seq.add(p);
        try (var s = GradMode.noGrad()) {
            for (int step = 0; step < maxNewTokens; step++) {
                int from = Math.max(0, seq.size() - config.maxLen()); // crop to the context window
                int[] window = seq.subList(from, seq.size()).stream().mapToInt(Integer::intValue).toArray();
                Var logits = forward(new int[][] {window}, ForwardContext.eval()); // [1, T, V]
                double[] last = logits.value().slice(1, window.length - 1, window.length).toDoubleArray(); // [1, 1, V]
                int next = temperature == 0 ? Sampling.argmax(last) : Sampling.sample(last, temperature, rng);
                seq.add(next);
                if (next == endToken) break;
            }
        }
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] flatten(int[][] rows) {
        int t = rows[0].length;
        int[] flat = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * t, t);
        return flat;
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(stack.sites());
        s.add(lmHead);
        return Model.index(s);
    }

    @Override
    public DType dtype() {
        return config.dtype();
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>(stack.namedParameters());
        Module.addChild(m, "lm_head", lmHead);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        stack.setTrainable(trainable);
        lmHead.setTrainable(trainable);
    }
}

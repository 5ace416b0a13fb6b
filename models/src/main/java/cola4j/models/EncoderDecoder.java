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
 * BART-style encoder-decoder (pre-LN; separate source/target embeddings, untied head):
 * <pre>
 *   m = encoder(src)               encoder.embed.*, encoder.blocks.i (non-causal, src padding mask), encoder.ln_f
 *   h = decoder(tgtIn, m)          decoder.embed.*, decoder.blocks.i (causal self-attn, cross-attn to m), decoder.ln_f
 *   logits = h·W_lmᵀ               lm_head [V, C], no bias          → [B, Tt, V]
 * </pre>
 * Teacher forcing: {@code tgtIn} is the target shifted right behind a start token, {@code tgtOut} the target
 * (−100 = ignored, e.g. right padding). Padded source positions are masked as keys in encoder self-attention and
 * in every cross-attention. Sites: {@code encoder.blocks.i.attn.*}, {@code decoder.blocks.i.attn.*},
 * {@code decoder.blocks.i.cross_attn.*}, {@code *.mlp.fc1/fc2}, the four embedding tables, {@code lm_head}.
 */
public final class EncoderDecoder implements Model {
    private final EncoderDecoderConfig config;
    private final TransformerStack encoder, decoder;
    private final Linear lmHead;

    public EncoderDecoder(EncoderDecoderConfig c, Rng rng) {
        this.config = c;
        this.encoder = new TransformerStack("encoder", c.vocabSize(), c.maxLen(), c.dModel(), c.encoderLayers(),
                c.heads(), c.dropout(), false, false, c.dtype(), rng);
        this.decoder = new TransformerStack("decoder", c.vocabSize(), c.maxLen(), c.dModel(), c.decoderLayers(),
                c.heads(), c.dropout(), true, true, c.dtype(), rng);
        this.lmHead = new Linear("lm_head", c.dModel(), c.vocabSize(), false, c.dtype(), rng);
    }

    public EncoderDecoderConfig config() {
        return config;
    }

    /**
     * src [B][S], srcMask [B][S] (1 real, 0 pad; null = all real) → encoder memory [B, S, C]; with prompt tuning
     * of the encoder in {@code ctx} (PEFT: virtual tokens on the encoder input) [B, n + S, C], the n virtual
     * positions first, which the decoder's cross-attention sees like source tokens.
     */
    public Var encode(int[][] src, int[][] srcMask, ForwardContext ctx) {
        return encoder.forward(src, srcMask, null, null, ctx);
    }

    /**
     * Decoder over a memory: tgtIn [B][Tt] → logits [B, Tt, V]. srcMask [B][S] (or null) masks the source part of
     * a memory [B, n + S, C]; its n leading virtual positions are always visible. A decoder prompt (none in PEFT) is
     * dropped before the head as in {@link DecoderLM#forward}.
     */
    public Var decode(Var memory, int[][] srcMask, int[][] tgtIn, ForwardContext ctx) {
        int[][] memMask = srcMask == null ? null
                : VirtualTokens.extendMask(srcMask, memory.shape()[1] - Tokens.width(srcMask, "EncoderDecoder"));
        Var h = decoder.forward(tgtIn, null, memory, memMask, ctx); // [B, n' + Tt, C]
        int n = decoder.promptLength(ctx), t = tgtIn[0].length;
        return lmHead.forward(n == 0 ? h : h.slice(1, n, n + t), ctx);
    }

    /** Teacher-forced logits [B, Tt, V]. */
    public Var forward(int[][] src, int[][] srcMask, int[][] tgtIn, ForwardContext ctx) {
        if (tgtIn.length != src.length) {
            throw new IllegalArgumentException("EncoderDecoder: " + src.length + " sources but "
                    + tgtIn.length + " targets");
        }
        return decode(encode(src, srcMask, ctx), srcMask, tgtIn, ctx);
    }

    /** Teacher-forced mean cross-entropy against tgtOut [B][Tt] (same shape as tgtIn; −100 ignored). */
    public Var loss(int[][] src, int[][] srcMask, int[][] tgtIn, int[][] tgtOut, ForwardContext ctx) {
        int b = tgtIn.length, t = Tokens.width(tgtIn, "EncoderDecoder.loss");
        if (tgtOut.length != b || Tokens.width(tgtOut, "EncoderDecoder.loss tgtOut") != t) {
            throw new IllegalArgumentException("EncoderDecoder.loss: tgtOut [" + tgtOut.length + "][" + tgtOut[0].length
                    + "] must match tgtIn [" + b + "][" + t + "]");
        }
        Var logits = forward(src, srcMask, tgtIn, ctx).reshape(b * t, config.vocabSize()); // [B, Tt, V] -> [B*Tt, V]
        return Losses.crossEntropy(logits, DecoderLM.flatten(tgtOut));
    }

    /**
     * Greedy decoding of one source (no padding): starts from {@code startToken}, appends argmax tokens until
     * {@code endToken} (included) or {@code maxNewTokens}; returns the generated tokens without the start token.
     * The encoder runs once; the decoder re-runs over the whole prefix each step (no cache).
     */
    public int[] greedyDecode(int[] src, int startToken, int endToken, int maxNewTokens) {
        if (maxNewTokens < 0 || maxNewTokens + 1 > config.maxLen()) {
            throw new IllegalArgumentException("EncoderDecoder.greedyDecode: maxNewTokens " + maxNewTokens
                    + " must be in [0, maxLen - 1 = " + (config.maxLen() - 1) + "]");
        }
        List<Integer> out = new ArrayList<>();
        out.add(startToken);
        try (var s = GradMode.noGrad()) {
            ForwardContext ctx = ForwardContext.eval();
            Var memory = encode(new int[][] {src}, null, ctx);
            for (int step = 0; step < maxNewTokens; step++) {
                int[] prefix = out.stream().mapToInt(Integer::intValue).toArray();
                Var logits = decode(memory, null, new int[][] {prefix}, ctx); // [1, T, V]
                int next = Sampling.argmax(logits.value().slice(1, prefix.length - 1, prefix.length).toDoubleArray());
                out.add(next);
                if (next == endToken) break;
            }
        }
        int[] all = out.stream().mapToInt(Integer::intValue).toArray();
        return Arrays.copyOfRange(all, 1, all.length);
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(encoder.sites());
        s.addAll(decoder.sites());
        s.add(lmHead);
        return Model.index(s);
    }

    @Override
    public DType dtype() {
        return config.dtype();
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "encoder", encoder);
        Module.addChild(m, "decoder", decoder);
        Module.addChild(m, "lm_head", lmHead);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        encoder.setTrainable(trainable);
        decoder.setTrainable(trainable);
        lmHead.setTrainable(trainable);
    }
}

package cola4j.models;

import cola4j.tensor.DType;

/**
 * Shape of a {@link DecoderLM} (GPT-2-style causal language model, untied LM head).
 *
 * @param vocabSize number of token ids, V
 * @param maxLen    context length (position table size); generation keeps the last maxLen tokens
 * @param dModel    width C of every hidden state
 * @param layers    number of transformer blocks
 * @param heads     attention heads nh (hs = C / nh)
 * @param dropout   dropout probability on embeddings, attention weights and residual branches
 * @param dtype     float32 or float64
 */
public record DecoderLMConfig(int vocabSize, int maxLen, int dModel, int layers, int heads, double dropout,
                              DType dtype) {
    public DecoderLMConfig {
        Configs.positive("DecoderLMConfig", "vocabSize", vocabSize, "maxLen", maxLen, "dModel", dModel, "layers",
                layers, "heads", heads);
        Configs.heads("DecoderLMConfig", dModel, heads);
        Configs.dropout("DecoderLMConfig", dropout);
        if (dtype == null) throw new IllegalArgumentException("DecoderLMConfig: dtype is null");
    }

    /** Test size: V = 11, T ≤ 8, C = 8, 2 layers, 2 heads, dropout 0.1, float64. */
    public static DecoderLMConfig tiny() {
        return new DecoderLMConfig(11, 8, 8, 2, 2, 0.1, DType.FLOAT64);
    }

    /**
     * Demo size: C = 64, 2 layers, 4 heads, T ≤ 128, no dropout, float32 (about a minute of pretraining on 2 cores).
     */
    public static DecoderLMConfig small(int vocabSize) {
        return new DecoderLMConfig(vocabSize, 128, 64, 2, 4, 0.0, DType.FLOAT32);
    }

    public DecoderLMConfig withDtype(DType d) {
        return new DecoderLMConfig(vocabSize, maxLen, dModel, layers, heads, dropout, d);
    }

    public DecoderLMConfig withDropout(double p) {
        return new DecoderLMConfig(vocabSize, maxLen, dModel, layers, heads, p, dtype);
    }
}

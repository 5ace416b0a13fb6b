package cola4j.models;

import cola4j.tensor.DType;

/**
 * Shape of an {@link EncoderDecoder} (BART-style sequence-to-sequence model, pre-LN, untied embeddings and head).
 *
 * @param vocabSize     number of token ids V (shared by source and target)
 * @param maxLen        longest source and target sequence (each side has its own position table)
 * @param dModel        width C of every hidden state
 * @param encoderLayers number of encoder blocks
 * @param decoderLayers number of decoder blocks (each with causal self-attention and cross-attention)
 * @param heads         attention heads nh (hs = C / nh)
 * @param dropout       dropout probability on embeddings, attention weights and residual branches
 * @param dtype         float32 or float64
 */
public record EncoderDecoderConfig(int vocabSize, int maxLen, int dModel, int encoderLayers, int decoderLayers,
                                   int heads, double dropout, DType dtype) {
    public EncoderDecoderConfig {
        Configs.positive("EncoderDecoderConfig", "vocabSize", vocabSize, "maxLen", maxLen, "dModel", dModel,
                "encoderLayers", encoderLayers, "decoderLayers", decoderLayers, "heads", heads);
        Configs.heads("EncoderDecoderConfig", dModel, heads);
        Configs.dropout("EncoderDecoderConfig", dropout);
        if (dtype == null) throw new IllegalArgumentException("EncoderDecoderConfig: dtype is null");
    }

    /** Test size: V = 11, T ≤ 8, C = 8, 2 + 2 layers, 2 heads, dropout 0.1, float64. */
    public static EncoderDecoderConfig tiny() {
        return new EncoderDecoderConfig(11, 8, 8, 2, 2, 2, 0.1, DType.FLOAT64);
    }

    /**
     * Demo size: C = 64, 2 + 2 layers, 4 heads, T ≤ 128, no dropout, float32 (about a minute of
     * pretraining on 2 cores).
     */
    public static EncoderDecoderConfig small(int vocabSize) {
        return new EncoderDecoderConfig(vocabSize, 128, 64, 2, 2, 4, 0.0, DType.FLOAT32);
    }

    public EncoderDecoderConfig withDtype(DType d) {
        return new EncoderDecoderConfig(vocabSize, maxLen, dModel, encoderLayers, decoderLayers, heads, dropout, d);
    }

    public EncoderDecoderConfig withDropout(double p) {
        return new EncoderDecoderConfig(vocabSize, maxLen, dModel, encoderLayers, decoderLayers, heads, p, dtype);
    }
}

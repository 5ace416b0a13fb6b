package cola4j.models;

import cola4j.tensor.DType;

/**
 * Shape of an {@link EncoderClassifier} (RoBERTa-style sequence classifier, pre-LN).
 *
 * @param vocabSize number of token ids, V
 * @param maxLen    longest sequence, size of the learned position table
 * @param dModel    width C of every hidden state
 * @param layers    number of transformer blocks
 * @param heads     attention heads nh (dModel must be divisible by it; hs = C / nh)
 * @param dropout   dropout probability on embeddings, attention weights, residual branches and the head
 * @param classes   number of output classes K
 * @param dtype     float32 or float64 for all parameters and activations
 */
public record EncoderClassifierConfig(int vocabSize, int maxLen, int dModel, int layers, int heads, double dropout,
                                      int classes, DType dtype) {
    public EncoderClassifierConfig {
        Configs.positive("EncoderClassifierConfig", "vocabSize", vocabSize, "maxLen", maxLen, "dModel", dModel,
                "layers", layers, "heads", heads, "classes", classes);
        Configs.heads("EncoderClassifierConfig", dModel, heads);
        Configs.dropout("EncoderClassifierConfig", dropout);
        if (dtype == null) throw new IllegalArgumentException("EncoderClassifierConfig: dtype is null");
    }

    /** Test size: V = 13, T ≤ 8, C = 8, 2 layers, 2 heads, dropout 0.1, 3 classes, float64. */
    public static EncoderClassifierConfig tiny() {
        return new EncoderClassifierConfig(13, 8, 8, 2, 2, 0.1, 3, DType.FLOAT64);
    }

    /**
     * Demo size: C = 64, 2 layers, 4 heads, T ≤ 128, no dropout, float32 (sized so that pretraining on the built-in
     * tasks takes about a minute on 2 CPU cores; see {@code cola pretrain}).
     */
    public static EncoderClassifierConfig small(int vocabSize, int classes) {
        return new EncoderClassifierConfig(vocabSize, 128, 64, 2, 4, 0.0, classes, DType.FLOAT32);
    }

    public EncoderClassifierConfig withDtype(DType d) {
        return new EncoderClassifierConfig(vocabSize, maxLen, dModel, layers, heads, dropout, classes, d);
    }

    public EncoderClassifierConfig withDropout(double p) {
        return new EncoderClassifierConfig(vocabSize, maxLen, dModel, layers, heads, p, classes, dtype);
    }
}

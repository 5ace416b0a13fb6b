package cola4j.models;

import cola4j.tensor.DType;
import java.util.List;

/**
 * Shape of an {@link MlpClassifier}: vectors (or flattened images) through Linear/ReLU layers.
 *
 * @param inputDim number of input features (H·W for a flattened image)
 * @param hidden   widths of the hidden layers, in order (may be empty: a linear classifier)
 * @param classes  number of output classes K
 * @param dropout  dropout probability after each hidden ReLU
 * @param dtype    float32 or float64
 */
public record MlpClassifierConfig(int inputDim, List<Integer> hidden, int classes, double dropout, DType dtype) {
    public MlpClassifierConfig {
        Configs.positive("MlpClassifierConfig", "inputDim", inputDim, "classes", classes);
        if (hidden == null) {
            throw new IllegalArgumentException("MlpClassifierConfig: hidden is null (use an empty list)");
        }
        hidden = List.copyOf(hidden);
        for (int h : hidden) Configs.positive("MlpClassifierConfig", "hidden width", h);
        Configs.dropout("MlpClassifierConfig", dropout);
        if (dtype == null) throw new IllegalArgumentException("MlpClassifierConfig: dtype is null");
    }

    /** Test size: 6 → 5 → 4 → 3, dropout 0.1, float64. */
    public static MlpClassifierConfig tiny() {
        return new MlpClassifierConfig(6, List.of(5, 4), 3, 0.1, DType.FLOAT64);
    }

    /**
     * Demo size: inputDim → 256 → 128 → classes (e.g. 64 → … → 10 for 8×8 digits), dropout 0.1, float32.
     */
    public static MlpClassifierConfig small(int inputDim, int classes) {
        return new MlpClassifierConfig(inputDim, List.of(256, 128), classes, 0.1, DType.FLOAT32);
    }

    public MlpClassifierConfig withDtype(DType d) {
        return new MlpClassifierConfig(inputDim, hidden, classes, dropout, d);
    }

    public MlpClassifierConfig withDropout(double p) {
        return new MlpClassifierConfig(inputDim, hidden, classes, p, dtype);
    }
}

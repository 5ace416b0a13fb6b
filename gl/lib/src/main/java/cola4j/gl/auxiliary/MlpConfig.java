package cola4j.gl.auxiliary;

import cola4j.tensor.DType;

/**
 * Configuration of an {@link MlpAux}.
 *
 * @param hiddenSize   width of every hidden layer (>= 1)
 * @param hiddenLayers number of hidden layers (>= 1); the MLP has {@code hiddenLayers + 1} linear layers
 * @param activation   nonlinearity after each hidden linear layer
 * @param bias         whether the linear layers have biases
 * @param dtype        element type of the weights
 * @param seed         seed of the hidden layers' initialization (the last layer starts at zero)
 */
public record MlpConfig(int hiddenSize, int hiddenLayers, Activation activation, boolean bias, DType dtype, long seed) {
    public MlpConfig {
        if (hiddenSize < 1) throw fail("hiddenSize must be >= 1, got " + hiddenSize);
        if (hiddenLayers < 1) throw fail("hiddenLayers must be >= 1, got " + hiddenLayers);
        if (activation == null || dtype == null) throw fail("activation and dtype are required");
    }

    /** The validation error "mlp auxiliary: what". */
    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("mlp auxiliary: " + what);
    }
}

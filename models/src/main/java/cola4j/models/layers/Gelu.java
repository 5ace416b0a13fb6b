package cola4j.models.layers;

import cola4j.autograd.Var;

/**
 * GELU, tanh approximation (GPT-2, PyTorch {@code approximate="tanh"}):
 * gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). No parameters; any shape.
 */
public final class Gelu {
    private Gelu() {}

    public static Var forward(Var x) {
        return Functional.gelu(x);
    }
}

package cola4j.models.layers;

import cola4j.autograd.Activations;
import cola4j.autograd.Losses;
import cola4j.autograd.Reduction;
import cola4j.autograd.Var;

/**
 * The composite functions the layers need, under the names the models use. Each one delegates to the autograd
 * composite with identical semantics ({@link Activations}, {@link Losses}): same formula, same primitive ops in the
 * same order, hence bit-identical values and gradients. Formulas match PyTorch / GPT-2.
 */
public final class Functional {
    private Functional() {}

    /** Label value that {@link #crossEntropy} skips (as PyTorch's {@code ignore_index = -100}). */
    public static final int IGNORE_INDEX = -100;

    /** GPT-2's tanh GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); {@link Activations#gelu}. Shape: any → same. */
    public static Var gelu(Var x) {
        return Activations.gelu(x);
    }

    /** relu(x) = x where x &gt; 0 else 0 (gradient 0 at x = 0, as PyTorch); {@link Activations#relu}. */
    public static Var relu(Var x) {
        return Activations.relu(x);
    }

    /** softmax along {@code axis}: e^(x − m) / Σ e^(x − m), m = max(x) detached; {@link Activations#softmax}. */
    public static Var softmax(Var x, int axis) {
        return Activations.softmax(x, axis);
    }

    /** log-softmax along {@code axis}: (x − m) − ln Σ e^(x − m), m = max(x) detached; {@link Activations#logSoftmax}. */
    public static Var logSoftmax(Var x, int axis) {
        return Activations.logSoftmax(x, axis);
    }

    /**
     * Mean cross-entropy of logits [N, K] against integer targets [N]:
     * L = −(1/M) Σ_{n: t_n ≠ −100} log softmax(z_n)[t_n], M = number of counted rows
     * ({@link Losses#crossEntropy} with ignore index −100 and {@link Reduction#MEAN}; throws if M = 0).
     */
    public static Var crossEntropy(Var logits, int[] targets) {
        return Losses.crossEntropy(logits, targets, IGNORE_INDEX, Reduction.MEAN);
    }
}

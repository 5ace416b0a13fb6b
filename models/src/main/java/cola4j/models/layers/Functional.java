package cola4j.models.layers;

import cola4j.autograd.ElementwiseOps;
import cola4j.autograd.Var;
import cola4j.tensor.Tensor;

/**
 * Composite functions the layers need, built only from autograd primitives (their gradients are the chain
 * rule through the primitives' VJPs). Kept minimal; formulas match PyTorch / GPT-2.
 */
public final class Functional {
    private Functional() {}

    /** Label value that {@link #crossEntropy} skips (as PyTorch's {@code ignore_index = -100}). */
    public static final int IGNORE_INDEX = -100;

    /** GPT-2's tanh GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    public static Var gelu(Var x) {
        Var inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(0.5).mul(inner.tanh().add(1.0));
    }

    /** relu(x) = x where x &gt; 0 else 0 (gradient 0 at x = 0, as PyTorch). */
    public static Var relu(Var x) {
        Tensor zero = Tensor.zeros(x.value().dtype());
        return ElementwiseOps.where(x.value().gt(zero), x, Var.constant(zero));
    }

    /** softmax along {@code axis}: e^(x − m) / Σ e^(x − m), m = max(x) detached (it cancels). */
    public static Var softmax(Var x, int axis) {
        Var e = x.sub(Var.constant(x.value().max(true, axis))).exp();
        return e.div(e.sum(true, axis));
    }

    /** log-softmax along {@code axis}: (x − m) − ln Σ e^(x − m), m = max(x) detached. */
    public static Var logSoftmax(Var x, int axis) {
        Var z = x.sub(Var.constant(x.value().max(true, axis)));
        return z.sub(z.exp().sum(true, axis).log());
    }

    /**
     * Mean cross-entropy of logits [N, K] against integer targets [N]:
     * L = −(1/M) Σ_{n: t_n ≠ −100} log softmax(z_n)[t_n], M = number of counted rows.
     */
    public static Var crossEntropy(Var logits, int[] targets) {
        int[] s = logits.shape();
        if (s.length != 2 || s[0] != targets.length) {
            throw new IllegalArgumentException("crossEntropy: logits " + java.util.Arrays.toString(s) + " need shape [N, K] with N = "
                    + targets.length + " targets");
        }
        int n = s[0], k = s[1], counted = 0;
        Tensor pick = Tensor.zeros(logits.value().dtype(), n, k);
        for (int i = 0; i < n; i++) {
            if (targets[i] == IGNORE_INDEX) continue;
            if (targets[i] < 0 || targets[i] >= k) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " at row " + i + " outside [0, " + k + ") and not " + IGNORE_INDEX);
            }
            pick.setFlat(i * k + targets[i], 1.0);
            counted++;
        }
        if (counted == 0) throw new IllegalArgumentException("crossEntropy: every target is " + IGNORE_INDEX + "; nothing to average");
        return logSoftmax(logits, 1).mul(Var.constant(pick)).sum(false).mul(-1.0 / counted);
    }
}

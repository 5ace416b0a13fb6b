package cola4j.autograd;

import cola4j.tensor.Tensor;
import java.util.Arrays;

/**
 * Loss functions composed from primitive ops and {@link Activations#logSoftmax}. They have no backward code of
 * their own: the vector-Jacobian products come from the primitives (for cross-entropy the familiar
 * (softmax(z) - onehot(t)) / count arises from the chain rule through logSoftmax, the constant mask and the sum).
 */
public final class Losses {
    private Losses() {}

    /** The target value that {@link #crossEntropy(Var, int[])} skips (PyTorch's {@code ignore_index = -100}). */
    public static final int IGNORE_INDEX = -100;

    /**
     * Mean cross-entropy skipping targets equal to {@link #IGNORE_INDEX}, as PyTorch's default
     * {@code F.cross_entropy(logits, targets)}: {@link #crossEntropy(Var, int[], int, Reduction)} with
     * ({@code IGNORE_INDEX}, {@link Reduction#MEAN}). Logits [N, C], N targets → a scalar; throws if every target is
     * ignored.
     */
    public static Var crossEntropy(Var logits, int[] targets) {
        return crossEntropy(logits, targets, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Cross-entropy of class logits against integer targets, as PyTorch's {@code F.cross_entropy}:
     * <pre>
     *   ℓ_i = -logSoftmax(z_i)[t_i]            for each row i with t_i != ignoreIndex
     *   MEAN: L = Σ_i ℓ_i / #{i : t_i != ignoreIndex}      SUM: L = Σ_i ℓ_i
     * </pre>
     * The pick of the target entry is a product with a constant one-hot mask whose ignored rows are zero.
     *
     * @param logits      [N, C]
     * @param targets     N class indices in [0, C), or {@code ignoreIndex} for rows that do not count
     * @param ignoreIndex the target value of rows to skip (PyTorch uses -100)
     * @return a scalar (shape [])
     * @throws IllegalArgumentException on shape mismatch, an out-of-range target, or MEAN with every row ignored
     */
    public static Var crossEntropy(Var logits, int[] targets, int ignoreIndex, Reduction reduction) {
        int[] s = logits.shape();
        if (s.length != 2 || s[0] != targets.length) {
            throw new IllegalArgumentException("crossEntropy: logits " + Arrays.toString(s)
                    + " need shape [N, C] with N = " + targets.length + " targets");
        }
        int n = s[0], c = s[1];
        double[] pick = new double[n * c]; // [N, C]: 1 at (i, t_i) for counted rows (built in Java: one upload)
        int counted = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + t + " of row " + i + " is outside [0, " + c
                        + ") and is not the ignore index " + ignoreIndex);
            }
            pick[i * c + t] = 1.0;
            counted++;
        }
        Tensor pickT = Tensor.of(logits.value().dtype(), pick, n, c);
        Var picked = Activations.logSoftmax(logits, 1).mul(Var.constant(pickT)).sum(false); // Σ logp_i[t_i], []
        if (reduction == Reduction.SUM) return picked.neg();
        if (counted == 0) {
            throw new IllegalArgumentException("crossEntropy: all " + n + " targets equal the ignore index "
                    + ignoreIndex + "; the MEAN is undefined");
        }
        return picked.mul(-1.0 / counted);
    }

    /**
     * Mean squared error: L = Σ (pred - target)² (SUM) or that over the element count (MEAN).
     * {@code target} may be a constant or require grad; shapes broadcast as for {@link ElementwiseOps#sub},
     * and MEAN divides by the element count of the broadcast difference.
     *
     * @return a scalar (shape [])
     */
    public static Var mse(Var pred, Var target, Reduction reduction) {
        Var sq = pred.sub(target).pow(2);
        return reduction == Reduction.MEAN ? sq.mean(false) : sq.sum(false);
    }

    /**
     * ℓ = ½ Σ (pred − target)² over all elements, for a constant target (no gradient to it), as one graph node.
     * VJP: dℓ/dpred = u · ½ · 2(pred − target) for upstream u. Values and gradients are bit-identical to the
     * composite {@code pred.sub(constant(target)).pow(2).sum(false).mul(0.5)} (the same kernels in the same order:
     * (pred − target)², summed, times ½; backward (u·½) · (2r)), which it replaces where no graph of the
     * constant is needed: Gradient Learning's surrogate (gl's GradientLearning). Shapes: pred and target equal → [].
     */
    public static Var halfSquaredError(Var pred, Tensor target) {
        if (!Arrays.equals(pred.shape(), target.shape()) || pred.value().dtype() != target.dtype()) {
            throw new IllegalArgumentException("halfSquaredError: pred " + pred.value().dtype() + " "
                    + Arrays.toString(pred.shape()) + " and target " + target.dtype() + " "
                    + Arrays.toString(target.shape()) + " must have the same shape and dtype");
        }
        Tensor r = pred.value().sub(target);
        return Var.result(r.pow(2).sum(false).mul(0.5), "half_squared_error",
                u -> pred.accumulate(r.mul(2.0).mul(u.mul(0.5).item())), pred);
    }
}

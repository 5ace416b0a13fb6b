package cola4j.gl.app.workload;

import cola4j.autograd.Activations;
import cola4j.autograd.Var;
import cola4j.models.data.SymbolVocab;
import cola4j.tensor.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy that averages separately inside groups of rows and sums over the groups (ColA multi-user batches):
 * <pre>
 *   L = Σ_g (1 / M_g) · Σ_{n scored, g(row(n)) = g} −log softmax(z_n)[t_n]
 *   M_g = number of scored positions (t_n ≠ −100) in the rows of group g,   row(n) = n / P
 * </pre>
 * Because group g's term depends only on its own rows' logits, dL/dθ = Σ_g ∇θ (group g's mean loss), and in
 * a batch where rows do not interact (every model here treats rows independently) each group's share of the gradient
 * is exactly the gradient of that group's batch trained alone. With every row in group 0 this is the ordinary mean.
 *
 * <p>Built only from autograd ops: L = −Σ(logSoftmax(z) ⊙ W) with the constant weight matrix W [N, K],
 * W[n, t_n] = 1/M_{g(row(n))} for scored n and 0 elsewhere (a weighted one-hot select). The VJP is therefore the
 * chain rule through logSoftmax: dL/dz_n = w_n · (softmax(z_n) − onehot(t_n)).
 */
public final class GroupedLoss {
    private GroupedLoss() {}

    /**
     * @param logits    [N, K] with N = rows · positionsPerRow, position n belonging to row n / positionsPerRow
     * @param targets   [N] class ids in [0, K) or −100 (not scored)
     * @param positionsPerRow P ≥ 1 (1 for classifiers, T for sequence models)
     * @param rowGroup  [rows] group id ≥ 0 of each row
     * @return a scalar
     * @throws IllegalArgumentException for mismatched sizes, a negative group id, an out-of-range target, or a group
     *                                  whose rows have no scored position
     */
    public static Var crossEntropy(Var logits, int[] targets, int positionsPerRow, int[] rowGroup) {
        int[] s = logits.shape();
        if (s.length != 2 || s[0] != targets.length || positionsPerRow < 1
                || (long) rowGroup.length * positionsPerRow != s[0]) {
            throw new IllegalArgumentException("GroupedLoss: logits " + Arrays.toString(s) + ", "
                    + targets.length + " targets, " + rowGroup.length + " row groups × " + positionsPerRow
                    + " positions per row do not agree (need [N, K], N targets, N = rows·P)");
        }
        int n = s[0], k = s[1];
        int groups = 0;
        for (int r = 0; r < rowGroup.length; r++) {
            if (rowGroup[r] < 0) {
                throw new IllegalArgumentException("GroupedLoss: negative group id " + rowGroup[r] + " at row " + r);
            }
            groups = Math.max(groups, rowGroup[r] + 1);
        }
        int[] counted = new int[groups];
        boolean[] present = new boolean[groups];
        for (int i = 0; i < n; i++) {
            int g = rowGroup[i / positionsPerRow];
            present[g] = true;
            int t = targets[i];
            if (t == SymbolVocab.IGNORE_INDEX) continue;
            if (t < 0 || t >= k) {
                throw new IllegalArgumentException("GroupedLoss: target " + t + " at position " + i + " outside [0, "
                        + k + ") and not -100");
            }
            counted[g]++;
        }
        for (int g = 0; g < groups; g++) {
            if (present[g] && counted[g] == 0) {
                throw new IllegalArgumentException("GroupedLoss: group " + g
                        + " has rows but no scored position; its mean is undefined");
            }
        }
        Tensor w = Tensor.zeros(logits.value().dtype(), n, k); // [N, K]: 1/M_g at (n, t_n)
        for (int i = 0; i < n; i++) {
            if (targets[i] == SymbolVocab.IGNORE_INDEX) continue;
            w.setFlat(i * k + targets[i], 1.0 / counted[rowGroup[i / positionsPerRow]]);
        }
        return Activations.logSoftmax(logits, 1).mul(Var.constant(w)).sum(false).neg(); // scalar []
    }
}

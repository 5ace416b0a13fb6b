package cola4j.gl.app.ftaas;

import cola4j.models.site.Site;
import cola4j.tensor.DType;
import java.util.List;

/**
 * The analytic peak of the server's ACTIVATIONS for the digits MLP workload ({@link DigitsTenants}): what
 * {@link GraphBytes#activations} finds in one training pass, counted from shapes. Every recorded op (one whose input
 * requires a gradient) keeps its output; leaves (the input x, frozen weights, detached auxiliary weights) and ops on
 * leaves only are not recorded. With sites s = 0 … L (a chain of Linear layers in → out with bias β_s ∈ {0, 1},
 * ReLU after every site but the head, head width C), b rows per user, users U of the pass, R = |U|·b rows:
 * <pre>
 *   per site s (x_s requires a gradient iff s ≥ 1, or the weights are trainable = full fine-tuning):
 *     base     x·Wᵀ, + b                       R·out·(1 + β)        if x_s requires a gradient or W is trainable
 *     tap      ColA's hook on h                R·out                ColA (every mode)
 *     aux      h + g_u(x) over the pass        R·out                LoRA (trainable g), ColA unmerged (frozen g)
 *              g_u itself, per user u (b rows): lowrank  b·r + 2·b·out     (x·Aᵀ, ·Bᵀ, ·α/r)
 *                                               linear   b·out·(1 + β)
 *                                               mlp      b·h·(2 + β) + b·out·(1 + β)
 *                                                        (·W₁ᵀ, + b₁, relu, ·W₂ᵀ, + b₂)
 *                                               recorded for LoRA always, for frozen g iff x_s requires a gradient
 *              routing, |U| > 1 (when g is recorded): gather of each user's input rows R·in (iff x_s requires a
 *                                               gradient), concat and gather back 2·R·out
 *     relu     R·out                           s &lt; L
 *   grouped cross-entropy over G = |U| groups (log-softmax, one-hot pick, mean):
 *     G = 1: 4·R·C + 2·R + 2;   G &gt; 1: G·(b·C + 4·b·C + 2·b + 2) + (G − 1)
 *     (row gather per group, scalar sums)
 *   bytes = elements × e
 * </pre>
 * Peak per method: full and ColA merged process one user at a time (max over users of a single-user pass); LoRA,
 * ColA unmerged and merged-average one mixed pass of all users. Merged passes have no auxiliary ops (ΔW is inside W).
 * This mirrors the autograd ops the workload and {@link cola4j.gl.cola.RoutedAuxiliary} record today; a change of
 * either shows up as a mismatch in the ledger test, which is the point.
 */
public final class MlpActivationBytes {
    private MlpActivationBytes() {}

    /** How the auxiliaries appear in the pass. */
    private enum Aux { NONE, TRAINABLE, FROZEN }

    /**
     * The peak for {@code method} with {@code users} (all of them active), {@code rowsPerUser} rows each.
     *
     * @throws IllegalArgumentException if {@code sites} is not a chain of Linear layers (out of one = in of the next)
     */
    public static long serverPeak(ServingMethod method, List<UserSpec> users, List<Site> sites, int rowsPerUser,
            DType dtype) {
        for (int s = 0; s < sites.size(); s++) {
            if (sites.get(s).kind() != Site.Kind.LINEAR
                    || (s > 0 && sites.get(s - 1).outFeatures() != sites.get(s).inFeatures())) {
                throw new IllegalArgumentException("MLP activations: the sites must be a chain of Linear layers, got "
                        + sites.get(s).name());
            }
        }
        long elements = switch (method) {
            case FULL -> pass(List.of(users.get(0)), sites, rowsPerUser, true, false, Aux.NONE);
            case LORA -> pass(users, sites, rowsPerUser, false, false, Aux.TRAINABLE);
            case COLA_UNMERGED -> pass(users, sites, rowsPerUser, false, true, Aux.FROZEN);
            case COLA_MERGED -> pass(List.of(users.get(0)), sites, rowsPerUser, false, true, Aux.NONE);
            case COLA_MERGED_AVERAGE -> pass(users, sites, rowsPerUser, false, true, Aux.NONE);
        };
        return elements * dtype.bytes;
    }

    private static long pass(List<UserSpec> users, List<Site> sites, long b, boolean trainableBase, boolean taps,
            Aux aux) {
        long k = users.size(), rows = k * b, n = 0;
        int last = sites.size() - 1;
        for (int s = 0; s <= last; s++) {
            Site site = sites.get(s);
            long in = site.inFeatures(), out = site.outFeatures(), beta = site.bias() != null ? 1 : 0;
            boolean xGrad = s > 0;
            if (xGrad || trainableBase) n += rows * out * (1 + beta);
            if (taps) n += rows * out;
            if (aux != Aux.NONE) {
                n += rows * out;                                                    // h + g(x)
                if (aux == Aux.TRAINABLE || xGrad) {
                    for (UserSpec u : users) n += auxOps(u, b, in, out, beta);
                    if (k > 1) n += (xGrad ? rows * in : 0) + 2 * rows * out;       // routing
                }
            }
            if (s < last) n += rows * out;                                          // relu
        }
        long c = sites.get(last).outFeatures();
        n += k == 1 ? 4 * rows * c + 2 * rows + 2 : k * (b * c + 4 * b * c + 2 * b + 2) + (k - 1);
        return n;
    }

    private static long auxOps(UserSpec u, long b, long in, long out, long beta) {
        long h = u.mlpHidden();
        return switch (u.auxType()) {
            case LOWRANK -> b * u.rank() + 2 * b * out;
            case LINEAR -> b * out * (1 + beta);
            case MLP -> b * h * (2 + beta) + b * out * (1 + beta);
            case EMBEDDING -> throw new IllegalStateException("unreachable: UserSpec accepts lowrank, linear, mlp");
        };
    }
}

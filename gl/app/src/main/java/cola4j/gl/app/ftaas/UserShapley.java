package cola4j.gl.app.ftaas;

import cola4j.gl.app.command.Limits;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.copra.Shapley;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of each collaborator in merged-average mode: Shapley values of the users (the players) under
 * <pre>
 *   v(S) = (1/K) Σ_{u ∈ N} metric_u(W₀ + (1/|S|) Σ_{s ∈ S} ΔW_s)      v(∅) = (1/K) Σ_u metric_u(W₀)
 * </pre>
 * (N the K users, metric_u user u's task metric on its held-out data; the merged coalition average is computed by
 * {@link Evaluation#averagedModel}, the same {@link cola4j.gl.cola.MeanDeltaMerge} as the server pass). The Shapley
 * machinery is CopRA's {@link Shapley}: exact over all 2^K coalitions for K ≤ {@link #EXACT_MAX_USERS} (K·2^K
 * evaluations), above that Monte-Carlo permutation sampling seeded by {@code seed} with standard errors
 * SE_i = sd(marginals_i)/√m. Efficiency: Σ_i φ_i = v(N) − v(∅) (exactly, and per permutation when sampled).
 * Tested in {@code UserShapleyTest} (hand-computable games, symmetry, null player, sampler convergence; a session).
 */
public final class UserShapley {
    private UserShapley() {}

    /** Largest K computed exactly; above it the values are sampled. */
    public static final int EXACT_MAX_USERS = 6;
    /** Bounds of the sampled permutations m ({@code --shapley-permutations}). */
    public static final int MIN_PERMUTATIONS = 2, MAX_PERMUTATIONS = Limits.MAX_PERMUTATIONS;

    /** The metric of {@code user}'s task on the base with the mean ΔW of {@code coalition} merged (empty: base). */
    @FunctionalInterface
    public interface CoalitionMetric {
        double metric(List<Integer> coalition, int user);
    }

    /**
     * @param users       the players' ids, in player order
     * @param values      φ_i per player
     * @param stdErrors   Monte-Carlo standard errors (all 0 when exact)
     * @param exact       true when every coalition was evaluated
     * @param permutations sampled permutations (0 when exact)
     * @param evaluations distinct coalitions evaluated
     * @param grand       v(N)
     * @param empty       v(∅)
     */
    public record Result(List<Integer> users, double[] values, double[] stdErrors, boolean exact, int permutations,
                         int evaluations, double grand, double empty) {
        /** Σ_i φ_i − (v(N) − v(∅)): 0 up to rounding (the efficiency axiom). */
        public double efficiencyGap() {
            double s = 0;
            for (double v : values) s += v;
            return s - (grand - empty);
        }
    }

    /**
     * Shapley values of {@code users} under v(S) = mean over all users of {@code m}(S, u).
     *
     * @throws IllegalArgumentException for no users, more than 63, or permutations outside the bounds when sampled
     */
    public static Result compute(List<Integer> users, CoalitionMetric m, int permutations, long seed) {
        int n = users.size();
        if (n < 1 || n > 63) throw new IllegalArgumentException("user Shapley: need 1..63 users, got " + n);
        Shapley.Game v = mask -> {
            List<Integer> coalition = new ArrayList<>();
            for (int i = 0; i < n; i++) if ((mask >>> i & 1L) != 0) coalition.add(users.get(i));
            double sum = 0;
            for (int u : users) sum += m.metric(coalition, u);
            return sum / n;
        };
        Map<Long, Double> seen = new LinkedHashMap<>();
        Shapley.Game cached = mask -> seen.computeIfAbsent(mask, v::value);
        Shapley.Result r;
        if (n <= EXACT_MAX_USERS) {
            r = Shapley.exact(n, cached);
        } else {
            if (permutations < MIN_PERMUTATIONS || permutations > MAX_PERMUTATIONS) {
                throw new IllegalArgumentException("user Shapley: permutations must be in [" + MIN_PERMUTATIONS + ", "
                        + MAX_PERMUTATIONS + "], got " + permutations);
            }
            r = Shapley.monteCarlo(n, cached, permutations, new Rng(seed));
        }
        long all = n == 63 ? -1L >>> 1 : (1L << n) - 1;
        return new Result(List.copyOf(users), r.values(), r.stdErrors(), r.exact(), r.exact() ? 0 : permutations,
                r.evaluations(), cached.value(all), cached.value(0L));
    }

    /**
     * The merged-average coalition metric of a finished session: the users' auxiliaries (site → model, by user id),
     * a coalition's mean ΔW merged into {@code w.base()} at {@code sites} and restored bit-exactly after each
     * evaluation; the empty coalition is the untouched base.
     */
    public static <B> CoalitionMetric mergedAverage(TenantWorkload<B> w, List<Site> sites,
            Map<Integer, ? extends Map<String, AuxiliaryModel>> auxByUser) {
        return (coalition, user) -> {
            if (coalition.isEmpty()) return Evaluation.plain(w, w.base(), user);
            Map<Integer, Map<String, AuxiliaryModel>> sub = new LinkedHashMap<>();
            for (int u : coalition) sub.put(u, auxByUser.get(u));
            return Evaluation.averagedModel(w, w.base(), sites, sub, user);
        };
    }
}

package cola4j.gl.copra;

import cola4j.tensor.Rng;
import java.util.HashMap;
import java.util.Map;

/**
 * Shapley values of n players under a value function v over coalitions (bit masks; bit i = player i). For CopRA the
 * players are the layers' adapters and v(S) is the validation metric with only S's adapters active.
 *
 * <pre>
 *   exact:        φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))
 *                                                                           2ⁿ evaluations of v
 *   Monte Carlo:  φ̂_i = (1/m) Σ_{j=1..m} (v(P_i^{π_j} ∪ {i}) − v(P_i^{π_j}))
 *                                                                           π_j uniform permutations,
 *                 P_i^π = players before i in π;  SE_i = sd_j(marginal_ij) / √m
 * </pre>
 *
 * The sample variance of the marginals is accumulated with Welford's algorithm (after marginal d_j:
 * δ = d_j − μ_{j−1}, μ_j = μ_{j−1} + δ / j, M_j = M_{j−1} + δ (d_j − μ_j); sd² = M_m / (m − 1)),
 * which stays accurate when the marginals are large and nearly equal, where Σd² − m μ² cancels catastrophically.
 *
 * Both satisfy efficiency, Σ_i φ_i = v(N) − v(∅) (Monte Carlo per permutation, since the marginals telescope).
 * Values of v are cached, so each coalition is evaluated at most once.
 */
public final class Shapley {
    private Shapley() {}

    /** A value function over coalitions: bit i of {@code coalition} set means player i is in. */
    @FunctionalInterface
    public interface Game {
        double value(long coalition);
    }

    /**
     * @param values    φ_i per player
     * @param stdErrors standard error per player (all 0 when exact)
     * @param exact     true for the exact sum over all coalitions
     * @param evaluations distinct coalitions evaluated
     */
    public record Result(double[] values, double[] stdErrors, boolean exact, int evaluations) {
        /** max_i φ_i − min_i φ_i. */
        public double spread() {
            return Shapley.spread(values);
        }
    }

    /** max_i φ_i − min_i φ_i of some values (at least one). */
    public static double spread(double[] phi) {
        if (phi.length == 0) throw new IllegalArgumentException("Shapley spread: no values");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : phi) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi - lo;
    }

    /** Largest n for which {@link #compute} uses the exact formula. */
    public static final int EXACT_MAX_PLAYERS = 12;

    /**
     * Exact for n ≤ {@link #EXACT_MAX_PLAYERS}, otherwise Monte Carlo with {@code permutations} draws from
     * {@code rng}.
     */
    public static Result compute(int n, Game v, int permutations, Rng rng) {
        return n <= EXACT_MAX_PLAYERS ? exact(n, v) : monteCarlo(n, v, permutations, rng);
    }

    /** The exact Shapley values (n ≤ 24: 2ⁿ evaluations). */
    public static Result exact(int n, Game v) {
        if (n < 1 || n > 24) throw new IllegalArgumentException("exact Shapley: n must be in [1, 24], got " + n);
        int size = 1 << n;
        double[] val = new double[size];
        for (int s = 0; s < size; s++) val[s] = v.value(s);
        double[] weight = new double[n];                       // weight[k] = k!(n−k−1)!/n! = 1 / (n · C(n−1, k))
        for (int k = 0; k < n; k++) weight[k] = 1.0 / (n * binomial(n - 1, k));
        double[] phi = new double[n];
        for (int i = 0; i < n; i++) {
            int bit = 1 << i;
            double acc = 0;
            for (int s = 0; s < size; s++) {
                if ((s & bit) != 0) continue;
                acc += weight[Integer.bitCount(s)] * (val[s | bit] - val[s]);
            }
            phi[i] = acc;
        }
        return new Result(phi, new double[n], true, size);
    }

    /** Monte Carlo permutation sampling with m ≥ 2 permutations (n ≤ 63). */
    public static Result monteCarlo(int n, Game v, int permutations, Rng rng) {
        if (n < 1 || n > 63) throw new IllegalArgumentException("Monte Carlo Shapley: n must be in [1, 63], got " + n);
        if (permutations < 2) {
            throw new IllegalArgumentException("Monte Carlo Shapley: need >= 2 permutations for a standard error, got "
                    + permutations);
        }
        Map<Long, Double> cache = new HashMap<>();
        double[] mean = new double[n], m2 = new double[n];  // Welford: running mean and Σ (d − mean)² per player
        for (int j = 0; j < permutations; j++) {
            int[] perm = rng.permutation(n);
            long s = 0;
            double prev = cache.computeIfAbsent(0L, v::value);
            for (int i : perm) {
                s |= 1L << i;
                double cur = cache.computeIfAbsent(s, v::value);
                double d = cur - prev, delta = d - mean[i];
                mean[i] += delta / (j + 1);                          // every player gets one marginal per permutation
                m2[i] += delta * (d - mean[i]);
                prev = cur;
            }
        }
        double[] se = new double[n];
        int m = permutations;
        for (int i = 0; i < n; i++) se[i] = Math.sqrt(m2[i] / (m - 1) / m);     // sample variance of the marginals / m
        return new Result(mean, se, false, cache.size());
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}

package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Shapley values on constructed games with known answers. */
class ShapleyTest {
    /** A non-additive game: v(S) = (Σ_{i∈S} a_i)² + 3·[0,1 ∈ S] − 2·[2,3 ∈ S] + 1 (v(∅) = 1). */
    private static final double[] A = {1.0, 1.0, 0.5, -0.7, 0.0, 2.0};

    private static double game(long s) {
        double sum = 0;
        for (int i = 0; i < A.length; i++) if ((s >>> i & 1) != 0) sum += A[i];
        double v = sum * sum + 1;
        if ((s & 0b11) == 0b11) v += 3;
        if ((s & 0b1100) == 0b1100) v -= 2;
        return v;
    }

    @Test
    void efficiencySymmetryAndExactValues() {
        Shapley.Result r = Shapley.exact(A.length, ShapleyTest::game);
        double total = 0;
        for (double v : r.values()) total += v;
        long all = (1L << A.length) - 1;
        assertThat(total).isCloseTo(game(all) - game(0), within(1e-12));
        assertThat(r.values()[0]).as("players 0 and 1 are symmetric").isCloseTo(r.values()[1], within(1e-14));
        assertThat(r.exact()).isTrue();
        assertThat(r.evaluations()).isEqualTo(64);
        // (Σa)² splits as a_i·Σa (Shapley of a product game); the pair bonus 3 splits 1.5/1.5,
        // the pair malus −2 as −1/−1
        double sa = 0;
        for (double a : A) sa += a;
        double[] want = new double[A.length];
        for (int i = 0; i < A.length; i++) want[i] = A[i] * sa;
        want[0] += 1.5;
        want[1] += 1.5;
        want[2] -= 1;
        want[3] -= 1;
        for (int i = 0; i < A.length; i++) {
            assertThat(r.values()[i]).as("player " + i).isCloseTo(want[i], within(1e-12));
        }
    }

    @Test
    void nullPlayerGetsZero() {
        // player 2 never changes the value
        Shapley.Game v = s -> ((s & 1) != 0 ? 2.0 : 0.0) + ((s & 2) != 0 && (s & 8) != 0 ? 5.0 : 0.0);
        Shapley.Result r = Shapley.exact(4, v);
        assertThat(r.values()[2]).isEqualTo(0.0);
        assertThat(r.values()).containsExactly(new double[] {2.0, 2.5, 0.0, 2.5}, within(1e-14));
    }

    @Test
    void gloveGame() {
        // players 0 (left glove), 1 and 2 (right gloves): v = 1 if the coalition holds a pair. φ = (2/3, 1/6, 1/6).
        Shapley.Game v = s -> (s & 1) != 0 && (s & 6) != 0 ? 1 : 0;
        Shapley.Result r = Shapley.exact(3, v);
        assertThat(r.values()).containsExactly(new double[] {2 / 3.0, 1 / 6.0, 1 / 6.0}, within(1e-15));
    }

    @Test
    void monteCarloIsCloseToExactAndEfficient() {
        Shapley.Result exact = Shapley.exact(A.length, ShapleyTest::game);
        Shapley.Result mc = Shapley.monteCarlo(A.length, ShapleyTest::game, 4000, new Rng(7));
        assertThat(mc.exact()).isFalse();
        double total = 0;
        for (int i = 0; i < A.length; i++) {
            total += mc.values()[i];
            if (A[i] != 0) assertThat(mc.stdErrors()[i]).isGreaterThan(0);
            else assertThat(mc.values()[i]).as("null player (a = 0) in every permutation").isZero();
            assertThat(Math.abs(mc.values()[i] - exact.values()[i])).as("player " + i + " within 4 standard errors")
                    .isLessThanOrEqualTo(4 * mc.stdErrors()[i]);
        }
        assertThat(total).isCloseTo(game((1L << A.length) - 1) - game(0), within(1e-10));
        assertThat(mc.evaluations()).isLessThanOrEqualTo(64);
        Shapley.Result again = Shapley.monteCarlo(A.length, ShapleyTest::game, 4000, new Rng(7));
        assertThat(again.values()).containsExactly(mc.values());
    }

    @Test
    void computeSwitchesToMonteCarloAboveTwelvePlayers() {
        Shapley.Game additive = s -> Long.bitCount(s) + ((s & 1) != 0 ? 1 : 0);
        Shapley.Result small = Shapley.compute(12, additive, 50, new Rng(1));
        Shapley.Result big = Shapley.compute(13, additive, 50, new Rng(1));
        assertThat(small.exact()).isTrue();
        assertThat(big.exact()).isFalse();
        // additive game: every permutation gives the same marginals, so MC is exact with zero standard error
        assertThat(big.values()[0]).isCloseTo(2.0, within(1e-12));
        assertThat(big.values()[5]).isCloseTo(1.0, within(1e-12));
        assertThat(big.stdErrors()[5]).isCloseTo(0.0, within(1e-12));
        assertThat(big.spread()).isCloseTo(1.0, within(1e-12));
    }

    /**
     * Monte Carlo path on a non-additive game with n = 16 > 12 players and a known answer: for
     * v(S) = (Σ_{i∈S} a_i)², φ_i = a_i · Σ_j a_j (each a_i a_j pair term is a unanimity game split evenly). The
     * marginals vary across permutations, so the standard error is positive; the estimate must lie within 4 SE of the
     * closed form, the SE must shrink like 1/√m, and efficiency holds exactly per permutation.
     */
    @Test
    void monteCarloAboveTwelvePlayersWithinStandardErrorOfClosedForm() {
        int n = 16;
        double[] a = new double[n];
        Rng gen = new Rng(3);
        for (int i = 0; i < n; i++) a[i] = gen.nextDouble() * 2 - 0.5;
        double sa = 0;
        for (double x : a) sa += x;
        Shapley.Game v = s -> {
            double sum = 0;
            for (int i = 0; i < n; i++) if ((s >>> i & 1) != 0) sum += a[i];
            return sum * sum;
        };
        Shapley.Result exact = Shapley.exact(n, v);              // 65 536 coalitions: the closed form, checked
        for (int i = 0; i < n; i++) {
            assertThat(exact.values()[i]).as("exact player " + i).isCloseTo(a[i] * sa, within(1e-10));
        }

        Shapley.Result mc = Shapley.compute(n, v, 400, new Rng(11));
        Shapley.Result mc4 = Shapley.compute(n, v, 1600, new Rng(12));
        assertThat(mc.exact()).isFalse();
        double total = 0, maxZ = 0;
        for (int i = 0; i < n; i++) {
            total += mc.values()[i];
            assertThat(mc.stdErrors()[i]).as("SE of player " + i).isGreaterThan(0);
            double z = Math.abs(mc.values()[i] - a[i] * sa) / mc.stdErrors()[i];
            maxZ = Math.max(maxZ, z);
            assertThat(z).as("player " + i + ": |φ̂ − φ| in standard errors").isLessThanOrEqualTo(4);
            assertThat(Math.abs(mc4.values()[i] - a[i] * sa)).isLessThanOrEqualTo(4 * mc4.stdErrors()[i]);
            // 4x the permutations halves the SE (the sample sd itself fluctuates: allow 0.35 .. 0.65)
            assertThat(mc4.stdErrors()[i] / mc.stdErrors()[i]).as("SE ratio of player " + i).isBetween(0.35, 0.65);
        }
        assertThat(total).as("efficiency").isCloseTo(sa * sa, within(1e-9));
        assertThat(maxZ).as("a z-score of exactly 0 everywhere would mean the SE is not a sampling error")
                .isGreaterThan(0.1);
    }

    /**
     * Welford's variance on marginals with a huge common part: v(S) = 1e8·|S| + (Σ_{i∈S} a_i)², so every marginal
     * is 1e8 plus an O(1) term. The standard errors must equal a two-pass computation over the same permutations
     * (drawn again from the same seed), where Σd² − m·mean² (≈ 1e19 − 1e19) would lose every digit of a
     * variance of order 1.
     */
    @Test
    void monteCarloStandardErrorIsTwoPassAccurateForLargeMarginals() {
        double[] a = {0.3, -0.8, 1.1, 0.5, -0.2};
        int n = a.length, m = 1000;
        Shapley.Game v = s -> {
            double sum = 0;
            for (int i = 0; i < n; i++) if ((s >>> i & 1) != 0) sum += a[i];
            return 1e8 * Long.bitCount(s) + sum * sum;
        };
        Shapley.Result mc = Shapley.monteCarlo(n, v, m, new Rng(5));
        double[][] marg = new double[n][m];
        Rng same = new Rng(5);
        for (int j = 0; j < m; j++) {
            long s = 0;
            for (int i : same.permutation(n)) {
                double before = v.value(s);
                s |= 1L << i;
                marg[i][j] = v.value(s) - before;
            }
        }
        for (int i = 0; i < n; i++) {
            double mean = 0, ss = 0;
            for (double d : marg[i]) mean += d / m;
            for (double d : marg[i]) ss += (d - mean) * (d - mean);
            double se = Math.sqrt(ss / (m - 1) / m);
            assertThat(se).as("two-pass SE of player " + i).isGreaterThan(1e-3);
            assertThat(mc.values()[i]).as("φ of player " + i).isCloseTo(mean, within(1e-6 * Math.abs(mean)));
            assertThat(mc.stdErrors()[i]).as("Welford SE of player " + i).isCloseTo(se, within(1e-6 * se));
        }
    }
}

package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.copra.Shapley;
import cola4j.tensor.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * User Shapley values of merged-average ({@link UserShapley}): exact values against games computed by hand (the
 * efficiency axiom, symmetric players, a null player), the average over evaluated users, Monte-Carlo sampling above
 * K = 6 converging to the exact values within its standard errors, and a real session's v(N), v(∅) and efficiency.
 */
class UserShapleyTest {
    private static final List<Integer> FOUR = List.of(0, 1, 2, 3);

    @Test
    void twoPlayerGameByHand() {
        // v(∅) = 0, v({0}) = 1, v({1}) = 2, v({0,1}) = 6:
        // φ0 = ½·1 + ½·(6 − 2) = 2.5, φ1 = ½·2 + ½·(6 − 1) = 3.5
        Map<List<Integer>, Double> v = Map.of(List.of(), 0.0, List.of(0), 1.0, List.of(1), 2.0, List.of(0, 1), 6.0);
        UserShapley.Result r = UserShapley.compute(List.of(0, 1), (s, u) -> v.get(s), 0, 0);
        assertThat(r.exact()).isTrue();
        assertThat(r.values()[0]).isCloseTo(2.5, within(1e-15));
        assertThat(r.values()[1]).isCloseTo(3.5, within(1e-15));
        assertThat(r.grand()).isEqualTo(6.0);
        assertThat(r.empty()).isEqualTo(0.0);
        assertThat(r.efficiencyGap()).isCloseTo(0, within(1e-15));
        assertThat(r.evaluations()).isEqualTo(4);
    }

    @Test
    void symmetricPlayersShareAndTheNullPlayerGetsNothing() {
        // majority of users 0..2 (user 3 changes nothing): v(S) = 1 if |S ∩ {0,1,2}| ≥ 2; φ = (1/3, 1/3, 1/3, 0)
        UserShapley.Result r = UserShapley.compute(FOUR,
                (s, u) -> s.stream().filter(i -> i < 3).count() >= 2 ? 1.0 : 0.0, 0, 0);
        for (int i = 0; i < 3; i++) assertThat(r.values()[i]).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(r.values()[3]).isEqualTo(0.0);
        assertThat(r.efficiencyGap()).isCloseTo(0, within(1e-15));
        assertThat(r.stdErrors()).containsOnly(0.0);
    }

    @Test
    void valueIsTheMeanOverEvaluatedUsers() {
        // metric_u(S) = [u ∈ S]·(u + 1): user u's own adapter helps only user u, so v(S) = Σ_{u∈S} (u + 1) / 4
        // and (additive game) φ_u = (u + 1) / 4
        UserShapley.Result r = UserShapley.compute(FOUR, (s, u) -> s.contains(u) ? u + 1.0 : 0.0, 0, 0);
        for (int u = 0; u < 4; u++) assertThat(r.values()[u]).as("user " + u).isCloseTo((u + 1) / 4.0, within(1e-15));
        assertThat(r.users()).isEqualTo(FOUR);
    }

    @Test
    void samplerAboveSixConvergesToTheExactValues() {
        List<Integer> eight = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        UserShapley.CoalitionMetric m = (s, u) -> {
            double a = 0;
            for (int i : s) a += 0.1 * (i + 1);
            return a * a + (s.contains(2) && s.contains(5) ? 0.7 : 0) + (s.contains(u) ? 0.05 * u : 0);
        };
        double[] exact = Shapley.exact(8, mask -> {
            List<Integer> s = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) if ((mask >> i & 1) != 0) s.add(i);
            double sum = 0;
            for (int u : eight) sum += m.metric(s, u);
            return sum / 8;
        }).values();
        UserShapley.Result few = UserShapley.compute(eight, m, 20, 5), many = UserShapley.compute(eight, m, 4000, 5);
        assertThat(few.exact()).isFalse();
        assertThat(many.permutations()).isEqualTo(4000);
        double errFew = 0, errMany = 0;
        for (int i = 0; i < 8; i++) {
            errFew += Math.abs(few.values()[i] - exact[i]);
            errMany += Math.abs(many.values()[i] - exact[i]);
            assertThat(Math.abs(many.values()[i] - exact[i])).as("player " + i + " within 5 SE")
                    .isLessThanOrEqualTo(5 * many.stdErrors()[i] + 1e-12);
            assertThat(many.stdErrors()[i]).isLessThan(few.stdErrors()[i]);
        }
        assertThat(errMany).isLessThan(errFew);
        assertThat(many.efficiencyGap()).isCloseTo(0, within(1e-12));   // per permutation the marginals telescope
        assertThat(UserShapley.compute(eight, m, 20, 5).values()).isEqualTo(few.values());     // same seed, same bits
        assertThat(UserShapley.compute(eight, m, 20, 6).values()).isNotEqualTo(few.values());
    }

    @Test
    void badSettingsAreRefused() {
        List<Integer> seven = List.of(0, 1, 2, 3, 4, 5, 6);
        assertThatThrownBy(() -> UserShapley.compute(seven, (s, u) -> 0, 1, 0)).hasMessageContaining("permutations");
        assertThatThrownBy(() -> UserShapley.compute(seven, (s, u) -> 0, 100_001, 0))
                .hasMessageContaining("permutations");
        assertThatThrownBy(() -> UserShapley.compute(List.of(), (s, u) -> 0, 10, 0)).hasMessageContaining("users");
    }

    @Test
    void sessionGrandCoalitionIsTheServedModel() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        List<UserSpec> users = UserSpec.cycle(3, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        SessionConfig cfg = new SessionConfig(15, 8, ColaMode.MERGED_AVERAGE, TransferDtype.NATIVE, 15, 7, 2e-3);
        ColaSession<?> session = new ColaSession<>(w, users, cfg, "cola-lowrank-merged-average");
        MethodResult res = session.run(s -> {});
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        session.devices().forEach((u, d) -> aux.put(u, d.auxiliaries()));
        UserShapley.Result r = UserShapley.compute(List.of(0, 1, 2),
                UserShapley.mergedAverage(w, w.adaptedSites(w.base()), aux), 0, 0);
        double served = res.averagedModelMetrics().values().stream().mapToDouble(Double::doubleValue).average()
                .orElseThrow();
        double base = (Evaluation.plain(w, w.base(), 0) + Evaluation.plain(w, w.base(), 1)
                + Evaluation.plain(w, w.base(), 2)) / 3;
        assertThat(r.grand()).isCloseTo(served, within(1e-15));
        assertThat(r.empty()).isCloseTo(base, within(1e-15));
        assertThat(r.evaluations()).isEqualTo(8);
        assertThat(r.efficiencyGap()).isCloseTo(0, within(1e-12));
    }
}

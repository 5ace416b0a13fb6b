package cola4j.gl.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's pass criteria ({@link DemoVerdict}) and the ColA-vs-LoRA seed statistics ({@link SeedComparison}) on
 * hand-made numbers.
 */
class DemoVerdictTest {
    private static Map<String, Double> users(double... v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) m.put("user-" + i, v[i]);
        return m;
    }

    @Test
    void perUserVerdictNeedsTheMarginOverBothBaseAndChance() {
        Map<String, Double> base = users(0.12, 0.30, 0.05), chance = users(0.12, 0.12, 0.12);
        // user-0 passes (0.5 >= 0.32); user-1 beats chance by far but the base only by 0.1;
        // user-2 clears base + 0.2 = 0.25 but not chance + 0.2 = 0.32
        assertThat(DemoVerdict.failing(users(0.5, 0.4, 0.3), base, chance, 0.2)).containsExactly("user-1", "user-2");
        assertThat(DemoVerdict.failing(users(0.5, 0.6, 0.4), base, chance, 0.2)).isEmpty();
        Map<String, Double> stopped = users(0.9, 0.9);
        assertThat(DemoVerdict.failing(stopped, base, chance, 0.2)).as("a stopped user fails")
                .containsExactly("user-2");
        assertThat(DemoVerdict.failing(users(0.9, 0.9, 0.9), base, chance, 0.2, java.util.Set.of("user-1")))
                .as("a user the session stopped fails whatever metric it last reported")
                .containsExactly("user-1 (stopped)");
        assertThat(DemoVerdict.beats(0.32, 0.12, 0.12, 0.2)).isTrue();
        assertThat(DemoVerdict.beats(0.3199, 0.12, 0.12, 0.2)).isFalse();
        assertThat(DemoVerdict.notNearChance(base, chance, 0.05)).containsExactly("user-1", "user-2");
        assertThat(DemoVerdict.nearChance(0.17, 0.12, 0.0501)).isTrue();
        assertThat(DemoVerdict.nearChance(0.06, 0.12, 0.05)).as("far below chance is not near it either").isFalse();
        assertThat(DemoVerdict.appliesTo("cola-lowrank-merged")).isTrue();
        assertThat(DemoVerdict.appliesTo("cola-lowrank-merged-average")).isFalse();
    }

    @Test
    void seedComparisonComputesMeanSdAndPairedInterval() {
        double[] cola = {0.90, 0.92, 0.91}, lora = {0.91, 0.90, 0.93};
        SeedComparison s = SeedComparison.of(cola, lora);
        // d = (-0.01, +0.02, -0.02): mean -1/300; deviations -0.02/3, +0.07/3, -0.05/3
        double md = -0.01 / 3,
                sdD = Math.sqrt((Math.pow(0.02 / 3, 2) + Math.pow(0.07 / 3, 2) + Math.pow(0.05 / 3, 2)) / 2);
        // LoRA mean 0.9133..; deviations -0.01/3, -0.04/3, +0.05/3
        double sdL = Math.sqrt((Math.pow(0.01 / 3, 2) + Math.pow(0.04 / 3, 2) + Math.pow(0.05 / 3, 2)) / 2);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.meanDiff()).isCloseTo(md, within(1e-12));
        assertThat(s.sdDiff()).isCloseTo(sdD, within(1e-12));
        assertThat(s.loraSd()).isCloseTo(sdL, within(1e-12));
        assertThat(s.loraMean()).isCloseTo(2.74 / 3, within(1e-12));
        assertThat(s.tLow()).isCloseTo(md - 4.303 * sdD / Math.sqrt(3), within(1e-12));
        assertThat(s.tHigh()).isCloseTo(md + 4.303 * sdD / Math.sqrt(3), within(1e-12));
        assertThat(s.decided()).isTrue();
        assertThat(s.withinNoise()).isTrue();
        assertThat(s.intervalContainsZero()).isTrue();

        // ColA consistently 0.05 above a LoRA that varies by only ~0.01: not within noise, interval excludes 0
        SeedComparison far = SeedComparison.of(new double[] {0.96, 0.95, 0.97}, new double[] {0.91, 0.90, 0.92});
        assertThat(far.meanDiff()).isCloseTo(0.05, within(1e-12));
        assertThat(far.withinNoise()).isFalse();
        assertThat(far.sdDiff()).isCloseTo(0, within(1e-12));

        SeedComparison one = SeedComparison.of(new double[] {0.9}, new double[] {0.8});
        assertThat(one.decided()).isFalse();
        assertThat(one.withinNoise()).isFalse();
        assertThat(one.loraSd()).isNaN();
        assertThat(SeedComparison.t975(4)).isEqualTo(2.776);
        assertThat(SeedComparison.t975(31)).isEqualTo(1.96);
        assertThatThrownBy(() -> SeedComparison.of(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package cola4j.gl.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.app.ftaas.MethodResult;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's table metric (mean of the last evaluations) and the curves' distinct styles. */
class TailMetricsTest {
    private static MethodResult result(Map<String, Double> finals, Map<String, List<double[]>> curves) {
        return new MethodResult("m", 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, finals, curves, Map.of(), null);
    }

    @Test
    void tailMetricsAverageTheLastKCurvePoints() {
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        curves.put("user-0", List.of(new double[] {10, 0.2}, new double[] {20, 0.5}, new double[] {30, 0.9},
                new double[] {40, 0.6}));
        curves.put("user-1", List.of(new double[] {40, 0.3}));
        Map<String, Double> finals = new LinkedHashMap<>(Map.of("user-0", 0.6, "user-1", 0.3));
        finals.put("user-2", 0.7); // no curve: its final metric
        MethodResult r = result(finals, curves);
        assertThat(r.tailMetrics(1)).containsExactlyEntriesOf(finals);
        assertThat(r.tailMetrics(3).get("user-0")).isCloseTo((0.5 + 0.9 + 0.6) / 3, within(1e-15));
        assertThat(r.tailMetrics(10).get("user-0")).isCloseTo((0.2 + 0.5 + 0.9 + 0.6) / 4, within(1e-15));
        assertThat(r.tailMetrics(3).get("user-1")).isEqualTo(0.3);
        assertThat(r.tailMetrics(3).get("user-2")).isEqualTo(0.7);
        assertThat(r.tailMeanMetric(3)).isCloseTo(((0.5 + 0.9 + 0.6) / 3 + 0.3 + 0.7) / 3, within(1e-15));
        assertThatThrownBy(() -> r.tailMetrics(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plansAverageTheLastQuarterOfTheirEvaluations() {
        DemoPlan full = DemoPlan.full(), quick = DemoPlan.quick();
        assertThat(full.evaluations()).isEqualTo(20);
        assertThat(full.tailEvals()).isEqualTo(5);
        assertThat(full.tailDescription()).isEqualTo("mean of the last 5 of 20 evaluations, steps 240-300");
        assertThat(quick.evaluations()).isEqualTo(6);
        assertThat(quick.tailEvals()).isEqualTo(2);
        assertThat(quick.tailDescription()).isEqualTo("mean of the last 2 of 6 evaluations, steps 50-60");
    }

    @Test
    void everyDemoSeriesGetsItsOwnColourDashAndMarker(@TempDir Path dir) throws Exception {
        Set<Color> colours = new HashSet<>();
        Set<String> looks = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            cola4j.gl.app.io.PlotStyle s = LearningCurves.style(i);
            if (i < cola4j.gl.app.io.PlotStyle.PALETTE.length) colours.add(s.color());
            looks.add(s.color() + " " + java.util.Arrays.toString(s.dash()) + " " + s.marker().getClass() + " "
                    + s.width());
        }
        assertThat(colours).hasSize(7);
        assertThat(looks).as("the demo's 8 methods look different").hasSize(8);
        Set<Class<?>> markers = new HashSet<>();
        for (int i = 0; i < 8; i++) markers.add(LearningCurves.style(i).marker().getClass());
        assertThat(markers).as("8 different markers (one of them none)").hasSize(8);
        int[] equalByTheorem = {0, 2, 5}; // cola-lowrank-merged, cola-lowrank-unmerged, lora in the demo's order
        Set<String> dashes = new HashSet<>();
        for (int i : equalByTheorem) dashes.add(java.util.Arrays.toString(LearningCurves.style(i).dash()));
        assertThat(dashes).hasSize(3);
        Path png = dir.resolve("c.png");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        series.put("a", List.of(new double[] {1, 0.5}, new double[] {2, 0.6}));
        series.put("b", List.of(new double[] {1, 0.5}, new double[] {2, 0.6}));
        LearningCurves.write(png, "t", "accuracy", series, 0.1, Map.of("b", "= a by theorem"));
        assertThat(Files.size(png)).isGreaterThan(1000);
    }
}

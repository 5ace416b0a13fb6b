package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dL/dh codecs ({@link GradCompression}) and their transport ({@link CompressedTransport}): top-k exact at k = all
 * and keeping the largest entries, the projection orthonormal, exact to rounding at m = out and unbiased, both
 * deterministic by seed, byte counts equal to the formula, and a float64 session with k = all equal bit for bit to the
 * uncompressed one.
 */
class GradCompressionTest {
    private static Tensor gaussian(long seed, int rows, int cols) {
        return new Rng(seed).normal(DType.FLOAT64, 0, 1, rows, cols);
    }

    private static Tensor roundTrip(GradCompression c, Tensor g, long stream) {
        return c.decode(c.encode("0/s/", g, stream), "0/s/", g.shape()[1], stream, DType.FLOAT64);
    }

    @Test
    void topKAtAllIsExactAndKeepsTheLargestEntries() {
        Tensor g = gaussian(1, 5, 7);
        for (int k : new int[] {7, 8, 1000}) {
            assertThat(roundTrip(GradCompression.parse("topk:" + k, 0), g, 0).bitEquals(g)).as("k=" + k).isTrue();
        }
        Tensor row = Tensor.of(new double[] {0.1, -3, 2, 0.5, 1, -1, 1, 0}, 2, 4);
        GradCompression one = GradCompression.parse("topk:1", 0);
        Map<String, Tensor> sent = one.encode("p/", row, 0);
        assertThat(sent.get("p/grad_h_idx").toDoubleArray()).containsExactly(1, 0);   // ties: lower j first
        assertThat(sent.get("p/grad_h").toDoubleArray()).containsExactly(-3, 1);
        assertThat(one.decode(sent, "p/", 4, 0, DType.FLOAT64).toDoubleArray())
                .containsExactly(0, -3, 0, 0, 1, 0, 0, 0);
        assertThat(one.elementsPerRow(4)).isEqualTo(2);
        // k = 2 of 4: values + indices would be 4 elements, no smaller than the row: sent dense, exact
        GradCompression two = GradCompression.parse("topk:2", 0);
        assertThat(two.encode("p/", row, 0)).containsOnlyKeys("p/grad_h");
        assertThat(two.elementsPerRow(4)).isEqualTo(4);
        assertThat(roundTrip(two, Tensor.of(row.toDoubleArray(), 2, 4), 0).bitEquals(row)).isTrue();
        Tensor wide = gaussian(6, 3, 40);                       // k = 5 of 40: 10 elements per row
        Tensor five = roundTrip(GradCompression.parse("topk:5", 0), wide, 0);
        double[] w = wide.toDoubleArray(), f = five.toDoubleArray();
        for (int r = 0; r < 3; r++) {
            int kept = 0;
            double smallestKept = Double.POSITIVE_INFINITY, largestDropped = 0;
            for (int j = 0; j < 40; j++) {
                if (f[r * 40 + j] != 0) {
                    kept++;
                    assertThat(f[r * 40 + j]).isEqualTo(w[r * 40 + j]);
                    smallestKept = Math.min(smallestKept, Math.abs(w[r * 40 + j]));
                } else {
                    largestDropped = Math.max(largestDropped, Math.abs(w[r * 40 + j]));
                }
            }
            assertThat(kept).isEqualTo(5);
            assertThat(smallestKept).isGreaterThanOrEqualTo(largestDropped);
        }
    }

    @Test
    void projectionIsOrthonormalExactAtFullWidthAndUnbiased() {
        int n = 8, m = 3;
        double[] r = GradCompression.projection(n, m, 42);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += r[i * m + a] * r[i * m + b];
                assertThat(dot).isCloseTo(a == b ? (double) n / m : 0, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        Tensor g = gaussian(2, 4, n);
        Tensor full = roundTrip(GradCompression.parse("proj:" + n, 5), g, 9);
        assertThat(maxAbs(full, g)).isLessThan(1e-13);
        GradCompression c = GradCompression.parse("proj:2", 5);
        int draws = 4000;
        double[] mean = new double[g.numel()];
        for (int s = 0; s < draws; s++) {
            double[] d = roundTrip(c, g, c.streamSeed(0, s, 0)).toDoubleArray();
            for (int i = 0; i < mean.length; i++) mean[i] += d[i] / draws;
        }
        double err = 0, norm = 0, single = 0;
        double[] one = roundTrip(c, g, c.streamSeed(0, 0, 0)).toDoubleArray(), want = g.toDoubleArray();
        for (int i = 0; i < mean.length; i++) {
            err += (mean[i] - want[i]) * (mean[i] - want[i]);
            single += (one[i] - want[i]) * (one[i] - want[i]);
            norm += want[i] * want[i];
        }
        // one draw is far off (rank 2 of 8), the mean of 4000 is close: E[R Rᵀ] = I
        assertThat(Math.sqrt(single / norm)).isGreaterThan(0.5);
        assertThat(Math.sqrt(err / norm)).isLessThan(0.08);
    }

    @Test
    void deterministicBySeed() {
        Tensor g = gaussian(3, 4, 16);
        GradCompression a = GradCompression.parse("proj:4", 7), b = GradCompression.parse("proj:4", 7),
                other = GradCompression.parse("proj:4", 8);
        long s = a.streamSeed(1, 2, 3);
        assertThat(s).isEqualTo(b.streamSeed(1, 2, 3)).isNotEqualTo(other.streamSeed(1, 2, 3))
                .isNotEqualTo(a.streamSeed(1, 3, 3)).isNotEqualTo(a.streamSeed(2, 2, 3));
        assertThat(roundTrip(a, g, s).bitEquals(roundTrip(b, g, b.streamSeed(1, 2, 3)))).isTrue();
        assertThat(roundTrip(a, g, s).bitEquals(roundTrip(other, g, other.streamSeed(1, 2, 3)))).isFalse();
    }

    @Test
    void transportBytesEqualTheFormulaAndKAllSessionIsBitIdentical() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        List<Site> sites = w.adaptedSites(w.base());
        Map<String, Integer> widths = new LinkedHashMap<>();
        sites.forEach(s -> widths.put(s.name(), s.outFeatures()));
        for (String spec : new String[] {"none", "topk:3", "proj:5", "topk:65536"}) {
            GradCompression c = GradCompression.parse(spec, 1);
            CompressedTransport t = new CompressedTransport(c, DType.FLOAT64, widths);
            List<AdaptationData> data = sites.stream().map(s -> new AdaptationData(s.name(),
                    gaussian(4, 6, s.inFeatures()), gaussian(5, 6, s.outFeatures()))).toList();
            List<AdaptationData> got = t.down(0, data);
            assertThat(t.stats().downPayload()).as(spec)
                    .isEqualTo(CompressedTransport.downPayloadPerStep(sites, 1, 6, 1, c, DType.FLOAT64));
            assertThat(got.get(0).x().bitEquals(data.get(0).x())).isTrue();
        }
        long dense = CompressedTransport.downPayloadPerStep(sites, 2, 4, 1, GradCompression.NONE, DType.FLOAT64);
        assertThat(dense).isEqualTo(AnalyticBytes.downPayloadPerStep(sites, 2, 4, 1, TransferDtype.NATIVE,
                DType.FLOAT64));

        List<UserSpec> users = FtaasFixtures.users(2, "lowrank~linear", 1);
        SessionConfig cfg = FtaasFixtures.config(4, ColaMode.UNMERGED, TransferDtype.NATIVE);
        ColaSession<?> plain = new ColaSession<>(w, users, cfg, "plain");
        plain.run(s -> {});
        GradCompression all = GradCompression.parse("topk:1000", 1);
        ColaSession<?> topAll = new ColaSession<>(w, users, cfg, "topk-all",
                (tt, d) -> new CompressedTransport(all, d, widths));
        topAll.run(s -> {});
        for (int u = 0; u < 2; u++) {
            LinkedHashMap<String, Tensor> a = plain.devices().get(u).parameters(), b = topAll.devices().get(u)
                    .parameters();
            a.forEach((n, v) -> assertThat(v.bitEquals(b.get(n))).as("user " + n).isTrue());
        }
    }

    @Test
    void badSpecsAreRefused() {
        for (String s : new String[] {"topk:0", "proj:65537", "topk", "zip:3", "proj:x", "topk:-1"}) {
            assertThatThrownBy(() -> GradCompression.parse(s, 0)).as(s).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(GradCompression.parse("proj:65536", 0).spec()).isEqualTo("proj:65536");
    }

    private static double maxAbs(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }
}

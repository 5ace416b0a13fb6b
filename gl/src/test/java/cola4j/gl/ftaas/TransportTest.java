package cola4j.gl.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bytes on the wire against the analytic formula (payload exactly), the decoded copy, and the bf16 error bound. */
class TransportTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT32);
    private static final List<Site> SITES = W.adaptedSites(W.base());

    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void payloadPerStepEqualsTheFormulaExactly(ColaMode mode) {
        int k = 3, steps = 4;
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear", 2);
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(steps, mode, TransferDtype.NATIVE), "cola");
        MethodResult r = s.run(null);
        long perStep = 0;
        for (Site site : SITES) perStep += 4L * k * (site.inFeatures() + site.outFeatures()) * 4;   // rows × (in + out) × 4 bytes, K users
        assertThat(r.downPayloadPerStep()).isEqualTo((double) perStep).isEqualTo(r.downBytesAnalytic());
        assertThat(r.downBytesPerStep()).as("headers are extra").isGreaterThan(r.downPayloadPerStep());
        assertThat(r.upPayloadPerStep()).isEqualTo(r.upBytesAnalytic()).isPositive();
        long up = 0;
        for (UserSpec u : users) {
            if (mode == ColaMode.UNMERGED) up += AnalyticBytes.auxParameters(u, SITES) * 4 * (steps / 2);     // parameters after each of the 2 fits
            else for (Site site : SITES) up += 4L * site.inFeatures() * site.outFeatures() + (u.auxType() == AuxType.LINEAR ? 4L * site.outFeatures() : 0);
        }
        assertThat(r.upPayloadPerStep()).isEqualTo(mode == ColaMode.UNMERGED ? (double) up / steps : (double) up);
        long initial = users.stream().mapToLong(u -> AnalyticBytes.auxParameters(u, SITES) * 4).sum();   // unmerged: replicas built from an upload
        if (mode == ColaMode.UNMERGED) assertThat(r.setupUpBytes()).isGreaterThan(initial).isLessThan(initial + 4096L * k);
        else assertThat(r.setupUpBytes()).isZero();
    }

    @Test
    void bf16HalvesThePayload() {
        List<UserSpec> users = FtaasFixtures.users(2, "lowrank", 1);
        MethodResult f = new ColaSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE), "f32").run(null);
        MethodResult b = new ColaSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.BF16), "bf16").run(null);
        assertThat(b.downPayloadPerStep() * 2).isEqualTo(f.downPayloadPerStep());
        assertThat(b.downBytesAnalytic()).isEqualTo(b.downPayloadPerStep());
    }

    @Test
    void receiverGetsADecodedCopyAndBf16ErrorIsBounded() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(DType.FLOAT64, 0, 3, 7, 5), g = rng.normal(DType.FLOAT64, 0, 1e-3, 7, 4);
        AdaptationData d = new AdaptationData("layers.0", x, g);
        List<AdaptationData> exact = new InProcessTransport(TransferDtype.NATIVE, DType.FLOAT64).down(0, List.of(d));
        assertThat(exact.get(0).x()).isNotSameAs(x);
        assertThat(exact.get(0).x().toDoubleArray()).containsExactly(x.toDoubleArray());
        InProcessTransport t = new InProcessTransport(TransferDtype.BF16, DType.FLOAT64);
        AdaptationData r = t.down(0, List.of(d)).get(0);
        assertThat(r.x().dtype()).isEqualTo(DType.FLOAT64);
        double worst = 0;
        for (Tensor[] p : new Tensor[][] {{x, r.x()}, {g, r.gradH()}}) {
            double[] a = p[0].toDoubleArray(), b = p[1].toDoubleArray();
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(b[i] - a[i]) / Math.abs(a[i]));
        }
        assertThat(worst).isLessThanOrEqualTo(Math.pow(2, -8)).isPositive();
        assertThat(t.stats().downPayload()).isEqualTo((7L * 5 + 7L * 4) * 2);
        assertThat(t.stats().downHeader()).isEqualTo(8 + headerJson(t));
    }

    /** The header is 8 length bytes + the JSON padded to a multiple of 8. */
    private static long headerJson(InProcessTransport t) {
        long h = t.stats().downHeader() - 8;
        assertThat(h % 8).isZero();
        return h;
    }

    @Test
    void uploadsRoundTripBitExactly() {
        InProcessTransport t = new InProcessTransport(TransferDtype.BF16, DType.FLOAT32);
        LinkedHashMap<String, Tensor> p = new LinkedHashMap<>();
        p.put("head/lora_A.weight", new Rng(1).normal(DType.FLOAT32, 0, 1, 2, 3));
        LinkedHashMap<String, Tensor> got = t.up(0, p);
        assertThat(got.get("head/lora_A.weight").toDoubleArray()).containsExactly(p.get("head/lora_A.weight").toDoubleArray());
        assertThat(t.stats().upPayload()).isEqualTo(6 * 4);
    }
}

package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.VectorBatch;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.MemoryLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Merged-average: one user's ΔW is capped at ‖ΔW‖_F ≤ 100·‖W‖_F per site (reported), so a 1000× ΔW moves
 * the other user's adaptation data about as much as a ΔW at the cap, not 1000 times more; a ΔW under the cap is used
 * bit-exactly. Every mode refuses an upload in another dtype than the server's.
 */
class DeltaCapTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT64);
    private static final List<Site> SITES = W.adaptedSites(W.base());
    private static final List<UserSpec> USERS = FtaasFixtures.users(2, "lowrank", 1);

    /** ΔW = scale · ‖W‖_F · (unit-norm random direction) at every site, for user u. */
    private static LinkedHashMap<String, Tensor> deltas(double scale, long seed) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        Rng rng = new Rng(seed);
        for (Site s : SITES) {
            Tensor d = rng.normal(DType.FLOAT64, 0, 1, s.weight().shape());
            m.put(s.name() + "/delta_weight", d.mul(scale * s.weight().norm() / d.norm()));
        }
        return m;
    }

    /** User 0's adaptation data after one merged-average step where user 1 uploaded {@code attack}. */
    private static List<AdaptationData> userZeroData(LocalServer<VectorBatch> s, LinkedHashMap<String, Tensor> attack) {
        USERS.forEach(s::register);
        s.submit(0, W.sample(0, 3, new Rng(5)));
        s.submit(1, W.sample(1, 3, new Rng(6)));
        s.upload(0, deltas(0.01, 1));
        s.upload(1, attack);
        return s.step().get(0);
    }

    private static double maxAbs(List<AdaptationData> d) {
        return d.stream().mapToDouble(a -> a.gradH().maxAbs()).max().orElseThrow();
    }

    @Test
    void aHugeDeltaIsScaledToTheCapAndReported() {
        LocalServer<VectorBatch> atCap = new LocalServer<>(W, ColaMode.MERGED_AVERAGE, new MemoryLedger());
        LocalServer<VectorBatch> huge = new LocalServer<>(W, ColaMode.MERGED_AVERAGE, new MemoryLedger());
        LocalServer<VectorBatch> small = new LocalServer<>(W, ColaMode.MERGED_AVERAGE, new MemoryLedger());
        double cap = maxAbs(userZeroData(atCap, deltas(LocalServer.DELTA_CAP * 0.999, 2)));
        double big = maxAbs(userZeroData(huge, deltas(1000, 2)));
        userZeroData(small, deltas(0.5, 2));
        assertThat(huge.capped()).containsEntry(1, SITES.size());
        assertThat(atCap.capped()).isEmpty();
        assertThat(small.capped()).isEmpty();
        assertThat(big / cap).as("user 0's dL/dh under a 1000x ΔW vs one at the cap").isBetween(0.9, 1.1);
    }

    @Test
    void everyModeRefusesAnUploadInAnotherDtype() {
        for (ColaMode mode : ColaMode.values()) {
            LocalServer<VectorBatch> s = new LocalServer<>(W, mode, new MemoryLedger());
            USERS.forEach(s::register);
            LinkedHashMap<String, Tensor> up = new LinkedHashMap<>();
            if (mode == ColaMode.UNMERGED) {
                cola4j.gl.UserFit.parameters(USERS.get(1).auxiliaries(SITES, DType.FLOAT64))
                        .forEach((n, v) -> up.put(n, v.value().to(DType.FLOAT32)));
            } else {
                deltas(0.1, 3).forEach((n, t) -> up.put(n, t.to(DType.FLOAT32)));
            }
            assertThatThrownBy(() -> s.upload(1, up)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("as float32; the server's dtype is float64");
            assertThat(Map.copyOf(s.capped())).isEmpty();
        }
    }
}

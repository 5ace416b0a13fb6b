package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.UserFit;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The FTaaS sessions are the theory at work: in float64, ColA (unmerged and merged, K = 4 users in one mixed batch)
 * and the multi-tenant LoRA baseline end with the same adapters (max |Δ| ≤ 1e-10 · max |w|) and the same metric
 * curves after 40 steps at a high learning rate. Tolerance: both compute the same gradient by different summation order
 * (GL's surrogate vs backprop through the adapter; merged adds ΔW into W first), so they differ by rounding (~1e-16
 * relative per step), amplified by AdamW's normalisation over 40 steps; 1e-10 leaves that room and still catches any
 * real difference (a wrong sign, scale or a stale ΔW moves weights by ≥ 1e-3 relative here).
 *
 * <p>Two cases: four alike users (low-rank, rank 2, interval 1, AdamW), and four different ones — auxiliary types,
 * ranks, intervals and optimizers all differ across users — where ColA's per-user fit every I_u buffered batches must
 * match LoRA's per-user gradient accumulation over I_u batches, each with its own optimizer.
 *
 * <p>This is why float32 runs of `cola demo` show ColA − LoRA differences of a few 1e-3 in accuracy: float32 rounding
 * differences grow along the trajectory; the algorithms agree.
 */
class SessionEquivalenceTest {
    @Test
    void colaSessionsEndWithLorasAdaptersInFloat64() {
        assertEquivalent(UserSpec.cycle(4, "lowrank", 2, 5, 1, "adamw", 0.05, 11));
    }

    /**
     * user 0: lowrank r2, I1, sgd, lr 0.2;  user 1: lowrank r4, I2, adamw, lr 0.05;  user 2: linear, I3, adam, lr 0.05;
     * user 3: lowrank r4, I1, sgd, lr 0.2 (40 steps: 40, 20, 13 and 40 optimizer steps; user 2 ends with one batch
     * accumulated but not applied, on both sides).
     */
    @Test
    void heterogeneousUsersEndWithLorasAdaptersInFloat64() {
        UserPattern p = new UserPattern(List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR),
                List.of(2, 4), List.of(1, 2, 3), List.of(OptimizerKind.SGD, OptimizerKind.ADAMW, OptimizerKind.ADAM),
                List.of(0.2, 0.05, 0.05));
        List<UserSpec> users = p.cycle(4, 5, 11);
        assertThat(users).extracting(UserSpec::interval).containsExactly(1, 2, 3, 1);
        assertThat(users).extracting(UserSpec::optimizer)
                .containsExactly(OptimizerKind.SGD, OptimizerKind.ADAMW, OptimizerKind.ADAM, OptimizerKind.SGD);
        assertEquivalent(users);
    }

    /** rsLoRA users (scale α/√r = √r) beside a linear one: the same equivalence, and the scale is rsLoRA's. */
    @Test
    void rsLoraUsersEndWithLorasAdaptersInFloat64() {
        UserPattern p = new UserPattern(List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR), List.of(4),
                List.of(1), List.of(OptimizerKind.ADAMW), List.of(0.05));
        List<UserSpec> users = p.cycle(3, 5, 11).stream().map(u -> u.auxType() == AuxiliaryKind.LOWRANK
                ? u.withLoraVariant(cola4j.gl.auxiliary.LoraVariant.RSLORA) : u).toList();
        var aux = users.get(0).auxiliaries(FtaasFixtures.digits(DType.FLOAT64).base().sites(
                cola4j.models.site.SiteSelector.all()), DType.FLOAT64).values().iterator().next();
        assertThat(((cola4j.gl.auxiliary.LowRankAux) aux).scale()).isEqualTo(Math.sqrt(4));
        assertThat(users.get(2).withAux(AuxiliaryKind.LOWRANK).loraVariant())
                .isEqualTo(cola4j.gl.auxiliary.LoraVariant.RSLORA);
        assertEquivalent(users);
    }

    private static void assertEquivalent(List<UserSpec> users) {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        SessionConfig cfg = new SessionConfig(40, 8, ColaMode.UNMERGED, TransferDtype.NATIVE, 20, 7, 2e-3);
        LoraSession<?> lora = new LoraSession<>(w, users, cfg);
        MethodResult l = lora.run(s -> {});
        for (ColaMode mode : List.of(ColaMode.UNMERGED, ColaMode.MERGED)) {
            ColaSession<?> cola = new ColaSession<>(w, users, cfg.withMode(mode), "cola-" + mode);
            MethodResult c = cola.run(s -> {});
            assertThat(c.errors()).as(mode + " errors").isEmpty();
            assertThat(c.metrics()).as(mode + " metrics").isEqualTo(l.metrics());
            for (String u : l.curves().keySet()) {
                assertThat(c.curves().get(u)).as(mode + " curve " + u).usingRecursiveComparison()
                        .isEqualTo(l.curves().get(u));
            }
            assertDevicesMatchLora(cola, lora, users, mode);
        }
    }

    /**
     * Every user's parameters on its ColA device equal its adapter in the LoRA session: same names, each moved from
     * its initialization (max |value| > 1e-3) and equal to 1e-10 relative (max abs difference / max |LoRA value|).
     */
    static void assertDevicesMatchLora(ColaSession<?> cola, LoraSession<?> lora, List<UserSpec> users, ColaMode mode) {
        for (UserSpec s : users) {
            LinkedHashMap<String, Tensor> got = cola.devices().get(s.id()).parameters();
            LinkedHashMap<String, Tensor> want = new LinkedHashMap<>();
            UserFit.parameters(lora.auxiliaries().get(s.id())).forEach((n, v) -> want.put(n, v.value()));
            assertThat(got.keySet()).isEqualTo(want.keySet());
            for (Map.Entry<String, Tensor> e : want.entrySet()) {
                Tensor a = got.get(e.getKey()), b = e.getValue();
                double scale = b.abs().max(false).item(), diff = a.sub(b).abs().max(false).item();
                assertThat(scale).as("adapter moved: " + e.getKey()).isGreaterThan(1e-3);
                assertThat(diff).as(mode + " user " + s.id() + " " + e.getKey()).isLessThanOrEqualTo(1e-10 * scale);
            }
        }
    }
}

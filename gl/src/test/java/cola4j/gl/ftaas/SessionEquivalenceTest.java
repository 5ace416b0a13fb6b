package cola4j.gl.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaUser;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The FTaaS sessions are the theory at work: in float64, ColA (unmerged and merged, K = 4 users in one mixed batch)
 * and the multi-tenant LoRA baseline end with the same adapters (max |Δ| ≤ 1e-10 · max |w|) and the same metric curves
 * after 40 AdamW steps at a high learning rate. Tolerance: both compute the same gradient by different summation order
 * (GL's surrogate vs backprop through the adapter; merged adds ΔW into W first), so they differ by rounding
 * (~1e-16 relative per step), amplified by AdamW's normalisation over 40 steps; 1e-10 leaves that room and still catches
 * any real difference (a wrong sign, scale or a stale ΔW moves weights by ≥ 1e-3 relative here).
 *
 * <p>This is why float32 runs of `cola demo` show ColA − LoRA differences of a few 1e-3 in accuracy: float32 rounding
 * differences grow along the trajectory; the algorithms agree.
 */
class SessionEquivalenceTest {
    @Test
    void colaSessionsEndWithLorasAdaptersInFloat64() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        SessionConfig cfg = new SessionConfig(40, 8, ColaMode.UNMERGED, TransferDtype.NATIVE, 20, 7, 2e-3);
        List<UserSpec> users = UserSpec.cycle(4, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        LoraSession<?> lora = new LoraSession<>(w, users, cfg);
        MethodResult l = lora.run(s -> {});
        for (ColaMode mode : List.of(ColaMode.UNMERGED, ColaMode.MERGED)) {
            ColaSession<?> cola = new ColaSession<>(w, users, cfg.withMode(mode), "cola-" + mode);
            MethodResult c = cola.run(s -> {});
            assertThat(c.metrics()).as(mode + " metrics").isEqualTo(l.metrics());
            for (String u : l.curves().keySet()) {
                assertThat(c.curves().get(u)).as(mode + " curve " + u).usingRecursiveComparison().isEqualTo(l.curves().get(u));
            }
            for (UserSpec s : users) {
                LinkedHashMap<String, Tensor> got = cola.devices().get(s.id()).parameters();
                LinkedHashMap<String, Tensor> want = new LinkedHashMap<>();
                ColaUser.parameters(lora.adapters().get(s.id())).forEach((n, v) -> want.put(n, v.value()));
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
}

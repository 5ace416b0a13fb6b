package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cola.ColaMode;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session's {@code fitEpochs}/{@code fitBatch} reach every ColA user: (1, 0) is bit-identical to a session without
 * them; 3 epochs, or minibatches of 4 rows, move every user's adapters elsewhere.
 */
class FitEpochsSessionTest {
    static Map<Integer, LinkedHashMap<String, Tensor>> run(DigitsTenants w, List<UserSpec> users, SessionConfig cfg) {
        ColaSession<?> s = new ColaSession<>(w, users, cfg, "cola");
        MethodResult r = s.run(step -> {});
        assertThat(r.errors()).isEmpty();
        Map<Integer, LinkedHashMap<String, Tensor>> m = new LinkedHashMap<>();
        s.devices().forEach((u, d) -> m.put(u, d.parameters()));
        return m;
    }

    @Test
    void oneEpochIsBitIdenticalAndMoreDiffer() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        List<UserSpec> users = UserSpec.cycle(3, "lowrank~linear", 2, 5, 2, "adamw", 0.05, 11);
        SessionConfig cfg = new SessionConfig(6, 8, ColaMode.UNMERGED, TransferDtype.NATIVE, 6, 7, 2e-3);
        Map<Integer, LinkedHashMap<String, Tensor>> plain = run(w, users, cfg);
        Map<Integer, LinkedHashMap<String, Tensor>> e1 = run(w, users, cfg.withFit(1, 0));
        plain.forEach((u, p) -> p.forEach((n, t) -> assertThat(t.bitEquals(e1.get(u).get(n))).as(u + n).isTrue()));
        for (SessionConfig c : List.of(cfg.withFit(3, 0), cfg.withFit(1, 4))) {
            Map<Integer, LinkedHashMap<String, Tensor>> other = run(w, users, c);
            plain.forEach((u, p) -> {
                double d = 0;
                for (String n : p.keySet()) d = Math.max(d, p.get(n).maxAbsDiff(other.get(u).get(n)));
                assertThat(d).as("user " + u + " with " + c.fitEpochs() + " epochs, fit batch " + c.fitBatch())
                        .isGreaterThan(1e-6);
            });
        }
    }
}

package cola4j.gl.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cola.ColaMode;
import cola4j.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A user whose data holds a NaN is stopped with a clear error; the others train exactly as in a session without
 * that user (float64: identical auxiliaries to 1e-12 relative).
 */
class NanIsolationTest {
    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void poisonedUserIsStoppedOthersUnharmed(ColaMode mode) {
        DigitsTenants clean = FtaasFixtures.digits(DType.FLOAT64);
        List<UserSpec> all = FtaasFixtures.users(4, "lowrank~linear", 1);
        SessionConfig cfg = FtaasFixtures.config(5, mode, TransferDtype.NATIVE);
        ColaSession<?> poisoned = new ColaSession<>(new FtaasFixtures.PoisonedDigits(clean, 2), all, cfg, "cola");
        MethodResult r = poisoned.run(null);
        assertThat(r.errors()).containsOnlyKeys("user-2");
        assertThat(r.errors().get("user-2")).contains("user 2").contains("non-finite").contains("NaN");
        assertThat(r.metrics()).containsOnlyKeys("user-0", "user-1", "user-3");
        assertThat(poisoned.server().users()).containsExactly(0, 1, 3);

        List<UserSpec> without = all.stream().filter(u -> u.id() != 2).toList();
        ColaSession<?> reference = new ColaSession<>(clean, without, cfg, "cola");
        reference.run(null);
        for (int u : new int[] {0, 1, 3}) {
            Map<String, cola4j.tensor.Tensor> got = poisoned.devices().get(u).parameters(), want = reference.devices().get(u).parameters();
            assertThat(got.keySet()).isEqualTo(want.keySet());
            got.forEach((n, t) -> {
                double[] a = t.toDoubleArray(), b = want.get(n).toDoubleArray();
                double scale = 0, diff = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(b[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                assertThat(diff).as("user " + u + " " + n).isLessThanOrEqualTo(1e-12 * Math.max(scale, 1e-300));
                assertThat(scale).as("user " + u + " " + n + " trained").isPositive();
            });
        }
    }
}

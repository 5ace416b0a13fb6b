package cola4j.gl.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The measured ledger against {@link AnalyticBytes} (within 1%) for full FT, LoRA, ColA unmerged and merged, K = 1 and 4. */
class LedgerTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT32);
    private static final List<Site> SITES = W.adaptedSites(W.base());

    private static void assertServer(MemoryLedger ledger, Map<MemCategory, Long> expected) {
        for (Map.Entry<MemCategory, Long> e : expected.entrySet()) {
            long got = ledger.peak(LedgerView.SERVER, e.getKey());
            assertThat((double) got).as("server " + e.getKey()).isCloseTo(e.getValue(), within(0.01 * e.getValue()));
        }
        assertThat(ledger.peak(LedgerView.SERVER, MemCategory.ACTIVATIONS)).as("server activations").isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void fullFineTuning(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        FullSession<?> s = new FullSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE));
        s.run(null);
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.FULL, W.base(), users, SITES));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void multiTenantLora(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        LoraSession<?> s = new LoraSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE));
        s.run(null);
        Map<MemCategory, Long> want = AnalyticBytes.server(ServingMethod.LORA, W.base(), users, SITES);
        assertServer(s.ledger(), want);
        long base = W.base().parameterCount() * 4, adapter = AnalyticBytes.auxParameters(users.get(0), SITES) * 4;
        long total = s.ledger().peak(LedgerView.SERVER, MemCategory.PARAMETERS) + s.ledger().peak(LedgerView.SERVER, MemCategory.GRADIENTS)
                + s.ledger().peak(LedgerView.SERVER, MemCategory.OPTIMIZER_STATE);
        long steps = 8L * AnalyticBytes.auxTensors(users.get(0), SITES);                    // AdamW's float64 step scalar per tensor
        assertThat(total).isEqualTo(base + k * (adapter + adapter + 2 * adapter + steps));  // base + K × (params + grads + 2 Adam moments)
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaUnmergedKeepsFrozenReplicasOnly(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear~mlp", 2);
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(4, ColaMode.UNMERGED, TransferDtype.NATIVE), "cola");
        s.run(null);
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.COLA_UNMERGED, W.base(), users, SITES));
        assertUsers(s.ledger(), users, 2);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaMergedServerHoldsOnlyTheBase(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear", 1);
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(3, ColaMode.MERGED, TransferDtype.NATIVE), "cola");
        s.run(null);
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.COLA_MERGED, W.base(), users, SITES));
        assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.PARAMETERS)).isEqualTo(W.base().parameterCount() * 4); // independent of K
        assertThat(s.ledger().current(LedgerView.SERVER, MemCategory.BUFFERS) - s.ledger().bytes(LedgerView.SERVER, MemCategory.BUFFERS, "outbox"))
                .as("no delta is kept after the step").isZero();
        assertUsers(s.ledger(), users, 1);
    }

    /** Each user's device: parameters, gradients, optimizer state as analytic; buffer peak = I batches of adaptation data. */
    private static void assertUsers(MemoryLedger ledger, List<UserSpec> users, int interval) {
        long perBatch = AnalyticBytes.downPayloadPerStep(SITES, 1, 4, 1, TransferDtype.NATIVE, DType.FLOAT32);
        for (UserSpec u : users) {
            Device d = Device.of("user-" + u.id());
            AnalyticBytes.user(u, SITES, DType.FLOAT32).forEach((c, v) -> assertThat(ledger.peak(d, c)).as(d + " " + c).isEqualTo(v));
            assertThat(ledger.peak(d, MemCategory.BUFFERS)).as(d + " buffer peak").isEqualTo(interval * perBatch);
        }
    }
}

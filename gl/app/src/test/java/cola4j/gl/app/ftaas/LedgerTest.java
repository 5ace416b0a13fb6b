package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The measured ledger against the analytic expectation (within 1%) for full FT, LoRA, ColA unmerged, merged and
 * merged-average, K = 1 and 4, on the digits MLP 64 → 16 → 10, 4 rows per user per step: parameters, gradients and
 * optimizer state ({@link AnalyticBytes#server}), activations ({@link MlpActivationBytes}) and buffers
 * ({@link AnalyticBytes#serverBuffers}) on the server, and every user device. A heterogeneous case (optimizers
 * sgd~adamw, intervals 1~2, ranks 4~8) checks the per-user terms, SGD's momentum state included. The bound is the
 * issue's 1%; today every category matches to the byte (checked once with a tolerance of 0).
 */
class LedgerTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT32);
    private static final List<Site> SITES = W.adaptedSites(W.base());
    private static final int ROWS = 4;

    /** Every server category against its analytic value: within 1% (an expected 0 must be exactly 0). */
    private static void assertServer(MemoryLedger ledger, ServingMethod method, List<UserSpec> users) {
        Map<MemCategory, Long> expected = new EnumMap<>(AnalyticBytes.server(method, W.base(), users, SITES));
        expected.put(MemCategory.ACTIVATIONS, MlpActivationBytes.serverPeak(method, users, SITES, ROWS, DType.FLOAT32));
        expected.put(MemCategory.BUFFERS, AnalyticBytes.serverBuffers(method, users, SITES, ROWS, 1, DType.FLOAT32));
        assertThat(expected.keySet()).containsExactlyInAnyOrder(MemCategory.values());
        for (Map.Entry<MemCategory, Long> e : expected.entrySet()) {
            long got = ledger.peak(LedgerView.SERVER, e.getKey());
            assertThat((double) got).as(method + " K=" + users.size() + " server " + e.getKey())
                    .isCloseTo(e.getValue(), within(0.01 * e.getValue()));
        }
        assertThat(ledger.peak(LedgerView.SERVER, MemCategory.ACTIVATIONS)).as("server activations").isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void fullFineTuning(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        FullSession<?> s = new FullSession<>(W, users,
                FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE));
        s.run(null);
        assertServer(s.ledger(), ServingMethod.FULL, users);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void multiTenantLora(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        LoraSession<?> s = new LoraSession<>(W, users,
                FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE));
        s.run(null);
        assertServer(s.ledger(), ServingMethod.LORA, users);
        long base = W.base().parameterCount() * 4, auxiliary = AnalyticBytes.auxParameters(users.get(0), SITES) * 4;
        long total = s.ledger().peak(LedgerView.SERVER, MemCategory.PARAMETERS)
                + s.ledger().peak(LedgerView.SERVER, MemCategory.GRADIENTS)
                + s.ledger().peak(LedgerView.SERVER, MemCategory.OPTIMIZER_STATE);
        // AdamW's float64 step scalar per tensor
        long steps = 8L * AnalyticBytes.auxTensors(users.get(0), SITES);
        // base + K × (params + grads + 2 Adam moments)
        assertThat(total).isEqualTo(base + k * (auxiliary + auxiliary + 2 * auxiliary + steps));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaUnmergedKeepsFrozenReplicasOnly(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear~mlp", 2);
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(4, ColaMode.UNMERGED, TransferDtype.NATIVE),
                "cola");
        s.run(null);
        assertServer(s.ledger(), ServingMethod.COLA_UNMERGED, users);
        assertUsers(s.ledger(), users);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaMergedServerHoldsOnlyTheBase(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear", 1);
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(3, ColaMode.MERGED, TransferDtype.NATIVE),
                "cola");
        s.run(null);
        assertServer(s.ledger(), ServingMethod.COLA_MERGED, users);
        // independent of K
        assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.PARAMETERS)).isEqualTo(W.base().parameterCount() * 4);
        assertThat(s.ledger().current(LedgerView.SERVER, MemCategory.BUFFERS)
                        - s.ledger().bytes(LedgerView.SERVER, MemCategory.BUFFERS, "outbox"))
                .as("no delta is kept after the step").isZero();
        assertUsers(s.ledger(), users);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaMergedAverageHoldsEveryDeltaOfTheStep(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear", 1);
        ColaSession<?> s = new ColaSession<>(W, users,
                FtaasFixtures.config(3, ColaMode.MERGED_AVERAGE, TransferDtype.NATIVE), "cola");
        s.run(null);
        assertServer(s.ledger(), ServingMethod.COLA_MERGED_AVERAGE, users);
        assertUsers(s.ledger(), users);
    }

    /**
     * K = 4 users with optimizers sgd~adamw, intervals 1~2 and ranks 4~8 (ColA: auxiliaries
     * lowrank~linear~lowrank~linear).
     */
    @ParameterizedTest
    @EnumSource(ServingMethod.class)
    void heterogeneousUsers(ServingMethod method) {
        boolean cola = method != ServingMethod.FULL && method != ServingMethod.LORA;
        UserPattern p = new UserPattern(cola ? List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR)
                : List.of(AuxiliaryKind.LOWRANK), List.of(4, 8, 8, 4), List.of(1, 2),
                List.of(OptimizerKind.SGD, OptimizerKind.ADAMW), List.of(0.01));
        List<UserSpec> users = p.cycle(4, 5, 11);
        assertThat(users).extracting(UserSpec::optimizer)
                .containsExactly(OptimizerKind.SGD, OptimizerKind.ADAMW, OptimizerKind.SGD, OptimizerKind.ADAMW);
        SessionConfig cfg = FtaasFixtures.config(4, ColaMode.UNMERGED, TransferDtype.NATIVE);
        MemoryLedger ledger;
        switch (method) {
            case FULL -> {
                FullSession<?> s = new FullSession<>(W, users, cfg);
                s.run(null);
                ledger = s.ledger();
            }
            case LORA -> {
                LoraSession<?> s = new LoraSession<>(W, users, cfg);
                s.run(null);
                ledger = s.ledger();
            }
            default -> {
                ColaMode mode = method == ServingMethod.COLA_UNMERGED ? ColaMode.UNMERGED
                        : method == ServingMethod.COLA_MERGED ? ColaMode.MERGED : ColaMode.MERGED_AVERAGE;
                ColaSession<?> s = new ColaSession<>(W, users, cfg.withMode(mode), "cola");
                assertThat(s.run(null).errors()).isEmpty();
                ledger = s.ledger();
                assertUsers(ledger, users);
            }
        }
        assertServer(ledger, method, users);
        if (method == ServingMethod.LORA) {
            // SGD users hold one momentum buffer (A_u·4 bytes), AdamW users two moments and a step scalar per tensor
            long opt = 0;
            for (UserSpec u : users) {
                long a = AnalyticBytes.auxParameters(u, SITES);
                opt += u.optimizer() == OptimizerKind.SGD ? 4 * a : 8 * a + 8 * AnalyticBytes.auxTensors(u, SITES);
            }
            assertThat(ledger.peak(LedgerView.SERVER, MemCategory.OPTIMIZER_STATE)).isEqualTo(opt);
        }
    }

    /**
     * Each user's device: parameters, gradients, optimizer state as analytic; buffer peak = I_u batches of
     * adaptation data.
     */
    private static void assertUsers(MemoryLedger ledger, List<UserSpec> users) {
        long perBatch = AnalyticBytes.downPayloadPerStep(SITES, 1, ROWS, 1, TransferDtype.NATIVE, DType.FLOAT32);
        for (UserSpec u : users) {
            Device d = Device.of("user-" + u.id());
            AnalyticBytes.user(u, SITES, DType.FLOAT32)
                    .forEach((c, v) -> assertThat(ledger.peak(d, c)).as(d + " " + c).isEqualTo(v));
            assertThat(ledger.peak(d, MemCategory.BUFFERS)).as(d + " buffer peak").isEqualTo(u.interval() * perBatch);
        }
    }
}

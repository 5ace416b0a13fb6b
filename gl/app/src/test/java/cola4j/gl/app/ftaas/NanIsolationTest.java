package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A user that sends bad data or a bad upload — from the start or after some good steps — is stopped with a clear
 * error, and the others are unharmed (float64, 4 users lowrank~linear, user 2 goes bad):
 * <ul>
 *   <li>unmerged and merged (per-user passes): the others end exactly as in a session without that user (1e-12
 *       relative): their passes never depend on another user's rows or ΔW;</li>
 *   <li>merged-average couples users by design (every pass merges the average ΔW of the step's users): the others end
 *       differently from a session without the user (its good ΔW were in the first steps' averages), but the bad ΔW
 *       is rejected at upload, before any average: the others end exactly as in a session where the user's data stopped
 *       at that same step.</li>
 * </ul>
 * A finite but diverged upload (its own loss is not finite) is found by the server when the pass fails and handled
 * the same way.
 */
class NanIsolationTest {
    private static final DigitsTenants CLEAN = FtaasFixtures.digits(DType.FLOAT64);
    private static final List<UserSpec> ALL = FtaasFixtures.users(4, "lowrank~linear", 1);
    private static final List<UserSpec> WITHOUT = ALL.stream().filter(u -> u.id() != 2).toList();

    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void poisonedUserIsStoppedOthersUnharmed(ColaMode mode) {
        SessionConfig cfg = FtaasFixtures.config(5, mode, TransferDtype.NATIVE);
        ColaSession<?> poisoned = new ColaSession<>(new FtaasFixtures.PoisonedDigits(CLEAN, 2), ALL, cfg, "cola");
        MethodResult r = poisoned.run(null);
        assertStopped(poisoned, r, "non-finite", "NaN");
        ColaSession<?> reference = new ColaSession<>(CLEAN, WITHOUT, cfg, "cola");
        reference.run(null);
        assertOthers(poisoned, reference, true);
    }

    /** User 2's data turns NaN at its 4th batch (after 3 good steps) of 6. */
    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void userGoingBadMidSessionIsStoppedOthersUnharmed(ColaMode mode) {
        SessionConfig cfg = FtaasFixtures.config(6, mode, TransferDtype.NATIVE);
        ColaSession<?> poisoned = new ColaSession<>(new FtaasFixtures.PoisonedDigits(CLEAN, 2, 3), ALL, cfg, "cola");
        MethodResult r = poisoned.run(null);
        assertStopped(poisoned, r, "non-finite", "NaN");
        ColaSession<?> without = new ColaSession<>(CLEAN, WITHOUT, cfg, "cola");
        without.run(null);
        // unmerged and merged: as if user 2 had never joined;
        // merged-average: its 3 good ΔW were in the others' averages
        assertOthers(poisoned, without, mode != ColaMode.MERGED_AVERAGE);
    }

    /**
     * User 2's upload arrives non-finite after 3 good ones (unmerged: the initial upload and 2 fits; merged modes: 3
     * steps). The server rejects it at upload; the others end exactly as when user 2's data stopped at the same step
     * (merged modes: step 4, the same passes for everyone), and, unmerged and merged, as without user 2.
     */
    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void nonFiniteUploadMidSessionIsRejectedBeforeItIsUsed(ColaMode mode) {
        SessionConfig cfg = FtaasFixtures.config(6, mode, TransferDtype.NATIVE);
        ColaSession<?> corrupt = new ColaSession<>(CLEAN, ALL, cfg, "cola",
                (t, d) -> new FtaasFixtures.CorruptUploads(new InProcessTransport(t, d), 2, 3));
        MethodResult r = corrupt.run(null);
        assertStopped(corrupt, r, "server: upload of user 2", "non-finite value NaN");
        if (mode == ColaMode.UNMERGED) {
            ColaSession<?> without = new ColaSession<>(CLEAN, WITHOUT, cfg, "cola");
            without.run(null);
            assertOthers(corrupt, without, true);
        } else {
            ColaSession<?> stoppedAtStep4 = new ColaSession<>(new FtaasFixtures.PoisonedDigits(CLEAN, 2, 3), ALL, cfg,
                    "cola");
            stoppedAtStep4.run(null);
            assertOthers(corrupt, stoppedAtStep4, true);
            ColaSession<?> without = new ColaSession<>(CLEAN, WITHOUT, cfg, "cola");
            without.run(null);
            assertOthers(corrupt, without, mode == ColaMode.MERGED);
        }
    }

    /**
     * User 2's 4th upload is finite but huge (every tensor filled with 1e308: a diverged auxiliary): it passes upload
     * validation, but its rows' loss is not finite (the head's products overflow; a hidden layer's ReLU would map
     * −∞ and NaN to 0, so a corrupt hidden-layer auxiliary alone only spoils that user's own rows). The server
     * finds it by passing each user's rows alone, removes it and redoes the step for the others: they end as in the
     * NaN-upload case above.
     */
    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void finiteButDivergedUploadStopsOnlyThatUser(ColaMode mode) {
        SessionConfig cfg = FtaasFixtures.config(6, mode, TransferDtype.NATIVE);
        ColaSession<?> diverged = new ColaSession<>(CLEAN, ALL, cfg, "cola",
                (t, d) -> new FtaasFixtures.CorruptUploads(new InProcessTransport(t, d), 2, 3, 1e308));
        MethodResult r = diverged.run(null);
        if (mode == ColaMode.MERGED_AVERAGE) {
            // the ΔW norm cap (‖ΔW‖ ≤ 100·‖W‖ per site) scales the 1e308 ΔW down before it enters the
            // average: nobody diverges, nobody is stopped, and the cap is reported for user 2
            assertThat(r.errors()).isEmpty();
            assertThat(diverged.server().capped()).containsOnlyKeys(2);
            return;
        }
        assertStopped(diverged, r, "server: user 2's pass alone is non-finite", "the user is removed");
        ColaSession<?> reference = new ColaSession<>(CLEAN, WITHOUT, cfg, "cola");
        reference.run(null);
        assertOthers(diverged, reference, true);
    }

    /**
     * Contrast with the multi-tenant LoRA baseline: user 2 trains with SGD at lr 10 and diverges. LoRA shares one loss
     * and one backward over all users' rows, so it stops every user (reported, not thrown); ColA unmerged keeps the
     * others exactly as in a session without user 2.
     */
    @org.junit.jupiter.api.Test
    void divergingUserStopsMultiTenantLoraForAllButNotColA() {
        List<UserSpec> users = new UserPattern(List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR), List.of(2),
                List.of(1), List.of(OptimizerKind.SGD), List.of(0.01, 0.01, 10.0, 0.01)).cycle(4, 5, 11);
        SessionConfig cfg = FtaasFixtures.config(10, ColaMode.UNMERGED, TransferDtype.NATIVE);
        MethodResult lora = new LoraSession<>(CLEAN, users, cfg).run(null);
        assertThat(lora.errors()).containsOnlyKeys("user-0", "user-1", "user-2", "user-3");
        assertThat(lora.errors().get("user-0")).contains("multi-tenant LoRA stopped at step")
                .contains("one diverging user stops all");
        assertThat(lora.metrics()).containsOnlyKeys("user-0", "user-1", "user-2", "user-3");
        ColaSession<?> cola = new ColaSession<>(CLEAN, users, cfg, "cola");
        assertThat(cola.run(null).errors()).doesNotContainKeys("user-0", "user-1", "user-3");
        ColaSession<?> without = new ColaSession<>(CLEAN, users.stream().filter(u -> u.id() != 2).toList(), cfg,
                "cola");
        without.run(null);
        assertOthers(cola, without, true);
    }

    private static void assertStopped(ColaSession<?> s, MethodResult r, String... message) {
        assertThat(r.errors()).containsOnlyKeys("user-2");
        assertThat(r.errors().get("user-2")).contains("user 2");
        for (String m : message) assertThat(r.errors().get("user-2")).contains(m);
        assertThat(r.metrics()).containsOnlyKeys("user-0", "user-1", "user-3");
        assertThat(s.server().users()).containsExactly(0, 1, 3);
        assertThat(s.devices()).containsOnlyKeys(0, 1, 3);
    }

    /** Users 0, 1, 3: trained, finite, and equal to {@code reference}'s to 1e-12 relative ({@code same}) or not. */
    private static void assertOthers(ColaSession<?> got, ColaSession<?> reference, boolean same) {
        double worst = 0;
        for (int u : new int[] {0, 1, 3}) {
            Map<String, Tensor> a = got.devices().get(u).parameters(), b = reference.devices().get(u).parameters();
            assertThat(a.keySet()).isEqualTo(b.keySet());
            for (Map.Entry<String, Tensor> e : a.entrySet()) {
                double[] x = e.getValue().toDoubleArray(), y = b.get(e.getKey()).toDoubleArray();
                double scale = 0, diff = 0;
                for (int i = 0; i < x.length; i++) {
                    assertThat(Double.isFinite(x[i])).as("user " + u + " " + e.getKey() + " finite").isTrue();
                    scale = Math.max(scale, Math.abs(y[i]));
                    diff = Math.max(diff, Math.abs(x[i] - y[i]));
                }
                assertThat(scale).as("user " + u + " " + e.getKey() + " trained").isPositive();
                if (same) assertThat(diff).as("user " + u + " " + e.getKey()).isLessThanOrEqualTo(1e-12 * scale);
                worst = Math.max(worst, diff / scale);
            }
        }
        if (!same) {
            assertThat(worst).as("the others are coupled to user 2 through the averaged ΔW").isGreaterThan(1e-6);
        }
    }
}

package cola4j.tests.cola;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.PropositionResult;
import cola4j.gl.verify.StalenessProposition;
import cola4j.models.DecoderLM;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * P10 (stale users = delayed-gradient descent) and the fit-epochs option: E = 1 is bit-identical to Gradient
 * Learning's single step, E > 1 and minibatched fits leave that trajectory.
 */
class StalenessAndEpochsTest {
    static final Fixture FX = new Fixture(DType.FLOAT64, 0);

    @ParameterizedTest
    @CsvSource({"sgd,0", "sgd,1", "sgd,4", "adamw,2", "adamw,5"})
    void p10_staleColaEqualsDelayedGradientDescent(String opt, int k) {
        PropositionResult r = StalenessProposition.p10(FX, opt, k, 1e-10);
        assertThat(r.maxRel()).as(r.setting()).isLessThanOrEqualTo(1e-10);
        assertThat(r.pass()).isTrue();
    }

    /** Negative control: the Jacobian at the user's current w is not delayed-gradient descent (k > 0). */
    @Test
    void p10_gradientAtCurrentVersionFails() {
        PropositionResult bad = StalenessProposition.p10(FX, "sgd", 2, 1e-10, StaleColaTrainer.Gradient.AT_CURRENT);
        assertThat(bad.maxRel()).isGreaterThan(1e-6);
        assertThat(bad.pass()).isFalse();
        // with k = 0 both versions coincide: the control fails for the staleness, not for another reason
        assertThat(StalenessProposition.p10(FX, "sgd", 0, 1e-10, StaleColaTrainer.Gradient.AT_CURRENT).pass())
                .isTrue();
    }

    /** Staleness k differs from k = 0 (the delay acts), and bounds and interval are checked. */
    @Test
    void stalenessChangesTheTrajectoryAndIsValidated() {
        Map<String, Tensor> k0 = staleRun(0), k2 = staleRun(2);
        double diff = 0;
        for (String n : k0.keySet()) diff = Math.max(diff, k0.get(n).maxAbsDiff(k2.get(n)));
        assertThat(diff).isGreaterThan(1e-6);
        DecoderLM m = FX.model();
        LinkedHashMap<String, AuxiliaryModel> a = FX.auxiliaries(FX.sites(m), AuxiliaryKind.LOWRANK, 0, true);
        UserFit u = new UserFit(0, a, Fixture.sgd().apply(UserFit.parameters(a)), new UserFitConfig(2, 1.0), null);
        assertThatThrownBy(() -> new StaleColaTrainer(new ColaServer(m, FX.sites(m)), List.of(u), Map.of(0, a),
                ColaMode.UNMERGED, 1, StaleColaTrainer.Gradient.AT_SERVED)).hasMessageContaining("interval 1");
        assertThatThrownBy(() -> new StaleColaTrainer(new ColaServer(m, FX.sites(m)), List.of(u), Map.of(0, a),
                ColaMode.UNMERGED, 10_001, StaleColaTrainer.Gradient.AT_SERVED)).hasMessageContaining("[0, 10000]");
    }

    private static Map<String, Tensor> staleRun(int k) {
        DecoderLM m = FX.model();
        LinkedHashMap<String, AuxiliaryModel> a = FX.auxiliaries(FX.sites(m), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, AuxiliaryModel> sh = FX.auxiliaries(FX.sites(m), AuxiliaryKind.LOWRANK, 0, true);
        UserFit u = new UserFit(0, a, Fixture.sgd().apply(UserFit.parameters(a)), new UserFitConfig(1, 1.0), null);
        StaleColaTrainer t = new StaleColaTrainer(new ColaServer(m, FX.sites(m)), List.of(u), Map.of(0, sh),
                ColaMode.UNMERGED, k, StaleColaTrainer.Gradient.AT_SERVED);
        for (int s = 0; s < 5; s++) t.step(FX.loss(m, s), RowRouting.single(0, Fixture.B), null);
        return values(a);
    }

    static Map<String, Tensor> values(Map<String, AuxiliaryModel> aux) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(aux).forEach((n, v) -> m.put(n, v.value().copy()));
        return m;
    }

    /** ColA with the given fit config (interval 2, AdamW with warm-up/decay, clip 1) for 8 batches. */
    static Map<String, Tensor> epochRun(UserFitConfig cfg) {
        DecoderLM m = FX.model();
        LinkedHashMap<String, AuxiliaryModel> a = FX.auxiliaries(FX.sites(m), AuxiliaryKind.LOWRANK, 0, true);
        UserFit u = new UserFit(0, a, Fixture.adamW().apply(UserFit.parameters(a)), cfg, Fixture.schedule(4));
        ColaTrainer t = new ColaTrainer(new ColaServer(m, FX.sites(m)), List.of(u), ColaMode.UNMERGED);
        for (int s = 0; s < 8; s++) t.step(FX.loss(m, s), RowRouting.single(0, Fixture.B), null);
        return values(a);
    }

    @Test
    void oneEpochIsBitIdenticalAndMoreEpochsDiffer() {
        Map<String, Tensor> plain = epochRun(new UserFitConfig(2, 1.0));
        Map<String, Tensor> e1 = epochRun(new UserFitConfig(2, 1.0).withEpochs(1, 0));
        plain.forEach((n, v) -> assertThat(v.bitEquals(e1.get(n))).as(n).isTrue());
        for (UserFitConfig c : List.of(new UserFitConfig(2, 1.0).withEpochs(2, 0),
                new UserFitConfig(2, 1.0).withEpochs(1, 16), new UserFitConfig(2, 1.0).withEpochs(4, 16))) {
            Map<String, Tensor> other = epochRun(c);
            double diff = 0;
            for (String n : plain.keySet()) diff = Math.max(diff, plain.get(n).maxAbsDiff(other.get(n)));
            assertThat(diff).as("epochs " + c.epochs() + " fit batch " + c.fitBatch()).isGreaterThan(1e-6);
        }
        assertThatThrownBy(() -> new UserFitConfig(1, 1.0).withEpochs(1001, 0)).hasMessageContaining("[1, 1000]");
        assertThatThrownBy(() -> new UserFitConfig(1, 1.0).withEpochs(2, -1)).hasMessageContaining("fitBatch");
    }
}

package cola4j.gl.copra;

import cola4j.gl.auxiliary.AuxiliaryKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.verify.Fixture;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Steps with only some sites active (CopRA): traffic, forward and untouched inactive adapters, for ColA and LoRA. */
class MaskedStepTest {
    private static final Fixture FX = new Fixture(DType.FLOAT64, 21);
    private static final RowRouting R = RowRouting.single(0, Fixture.B);

    private static ColaTrainer cola(DecoderLM m, LinkedHashMap<String, AuxiliaryModel> aux, ColaMode mode) {
        UserFit u = new UserFit(0, aux, Fixture.adamW().apply(UserFit.parameters(aux)),
                new UserFitConfig(1, Double.POSITIVE_INFINITY), null);
        return new ColaTrainer(new ColaServer(m, FX.sites(m)), List.of(u), mode);
    }

    private static long bytes(ColaTrainer t, Set<String> only) {
        long b = 0;
        for (List<AdaptationData> l : t.lastPass().dataByUser().values()) {
            for (AdaptationData d : l) if (only == null || only.contains(d.site())) b += d.bytes();
        }
        return b;
    }

    /** The layer-0 sites. */
    private static Set<String> layer0(DecoderLM m) {
        return new LayerGroups(FX.sites(m)).sites(0);
    }

    @ParameterizedTest
    @EnumSource(value = ColaMode.class, names = {"UNMERGED", "MERGED"})
    void colaSendsExactlyTheActiveSitesBytesAndTheForwardIgnoresInactiveAdapters(ColaMode mode) {
        DecoderLM m1 = FX.model(), m2 = FX.model();
        ColaTrainer all = cola(m1, FX.auxiliaries(FX.sites(m1), AuxiliaryKind.LOWRANK, 0, true), mode);
        LinkedHashMap<String, AuxiliaryModel> aux2 = FX.auxiliaries(FX.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        ColaTrainer some = cola(m2, aux2, mode);
        Set<String> active = layer0(m2);
        // the masked forward equals the base with only the active adapters' deltas (before any update)
        Map<String, Tensor> deltas = new LinkedHashMap<>();
        active.forEach(s -> deltas.put(s, aux2.get(s).deltaWeight()));
        double expected = FX.loss(m2, 0).loss(ForwardContext.eval().withInterceptor(new DeltaInterceptor(deltas)))
                .value().item();
        all.step(FX.loss(m1, 0), R, null);
        double got = some.step(FX.loss(m2, 0), R, null, active);
        assertThat(Math.abs(got - expected) / Math.abs(expected)).isLessThan(1e-12);
        assertThat(some.lastPass().dataByUser().get(0)).extracting(AdaptationData::site)
                .containsExactlyElementsOf(active);
        long sent = bytes(some, null), wanted = bytes(all, active), full = bytes(all, null);
        assertThat(sent).isEqualTo(wanted).isGreaterThan(0).isLessThan(full);
        assertThatThrownBy(() -> some.step(FX.loss(m2, 1), R, null, Set.of("blocks.0.attn.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not adapted");
    }

    private static Map<String, Tensor> snapshot(Map<String, AuxiliaryModel> aux, Optimizer opt) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(aux).forEach((k, v) -> m.put(k, v.value().copy()));
        opt.stateDict().forEach((k, v) -> {
            if (!k.equals("step")) m.put("state:" + k, v.copy());
        });
        return m;
    }

    /** Two full steps (so Adam state exists), then one step with layer 0 only: nothing else moves. */
    @ParameterizedTest
    @ValueSource(strings = {"cola", "lora"})
    void inactiveAdaptersAndTheirOptimizerStateAreUnchanged(String method) {
        DecoderLM m = FX.model();
        List<Site> sites = FX.sites(m);
        LinkedHashMap<String, AuxiliaryModel> aux = FX.auxiliaries(sites, AuxiliaryKind.LOWRANK, 0, true);
        Optimizer opt;
        java.util.function.BiConsumer<Integer, Set<String>> step;
        if (method.equals("cola")) {
            ColaTrainer t = cola(m, aux, ColaMode.UNMERGED);
            opt = t.users().get(0).optimizer();
            step = (k, a) -> t.step(FX.loss(m, k), R, null, a);
        } else {
            LoraTrainer t =
                    new LoraTrainer(m, sites, Map.of(0, aux), Fixture.adamW(), null, 1, Double.POSITIVE_INFINITY);
            opt = t.optimizer(0);
            step = (k, a) -> t.step(FX.loss(m, k), R, null, a);
        }
        step.accept(0, null);
        step.accept(1, null);
        Map<String, Tensor> before = snapshot(aux, opt);
        Set<String> active = layer0(m);
        step.accept(2, active);
        Map<String, Tensor> after = snapshot(aux, opt);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        int changed = 0, unchanged = 0;
        for (String k : before.keySet()) {
            String site = k.replaceFirst("^state:", "").split("/")[0];
            boolean same = after.get(k).bitEquals(before.get(k));
            if (active.contains(site)) {
                assertThat(same).as(k + " (active) must change").isFalse();
                changed++;
            } else {
                assertThat(same).as(k + " (inactive) must not change").isTrue();
                unchanged++;
            }
        }
        assertThat(changed).isGreaterThan(0);
        assertThat(unchanged).isGreaterThan(0);
        // Adam's per-parameter step count advanced only for the active adapters
        String inactive = sites.stream().map(Site::name).filter(s -> !active.contains(s)).findFirst().orElseThrow();
        String act = active.iterator().next();
        assertThat(opt.stateDict().get(inactive + "/lora_A.weight.step").item()).isEqualTo(2.0);
        assertThat(opt.stateDict().get(act + "/lora_A.weight.step").item()).isEqualTo(3.0);
    }

    /**
     * Analytic traffic of one step: per active site the server sends x [B·T, in] and ∂L/∂h [B·T, out], so
     * B·T · (in + out) · (bytes per element: 8 in float64, 4 in float32) bytes, independent of what the trainer
     * counts.
     */
    private static long analyticBytes(List<Site> sites, Set<String> active) {
        long b = 0;
        for (Site s : sites) {
            if (active.contains(s.name())) {
                b += (long) Fixture.B * Fixture.T * (s.inFeatures() + s.outFeatures()) * FX.dtype().bytes;
            }
        }
        return b;
    }

    @Test
    void progressiveTrainerCountsBytesAndPlainSendsEverything() {
        DecoderLM m1 = FX.model(), m2 = FX.model();
        int steps = 8;
        List<Site> sites = FX.sites(m2);
        LayerGroups g1 = new LayerGroups(FX.sites(m1)), g2 = new LayerGroups(sites);
        ProgressiveTrainer plain = ProgressiveTrainer.cola(
                new ProgressiveActivation(ProgressiveSchedule.always(steps), g1, new cola4j.tensor.Rng(1)),
                cola(m1, FX.auxiliaries(FX.sites(m1), AuxiliaryKind.LOWRANK, 0, false), ColaMode.UNMERGED));
        ColaTrainer inner = cola(m2, FX.auxiliaries(sites, AuxiliaryKind.LOWRANK, 0, false), ColaMode.UNMERGED);
        ProgressiveTrainer prog = ProgressiveTrainer.cola(
                new ProgressiveActivation(ProgressiveSchedule.defaults(steps), g2, new cola4j.tensor.Rng(1)), inner);
        Set<String> all = g2.allSites();
        long perStepFull = analyticBytes(sites, all);
        assertThat(perStepFull).isGreaterThan(0);
        long analyticTotal = 0;
        int partialSteps = 0;
        for (int k = 0; k < steps; k++) {
            plain.step(FX.loss(m1, k), R, null);
            assertThat(plain.bytesSent()).as("plain after step " + k).isEqualTo((k + 1) * perStepFull);
            long before = prog.bytesSent();
            prog.step(FX.loss(m2, k), R, null);
            long want = analyticBytes(sites, prog.lastActive());
            assertThat(prog.bytesSent() - before).as("progressive step " + k + ", active " + prog.lastActive())
                    .isEqualTo(want).isGreaterThan(0);
            analyticTotal += want;
            if (prog.lastActive().size() < all.size()) partialSteps++;
        }
        assertThat(partialSteps).as("some steps ran with layers off").isGreaterThan(0);
        assertThat(plain.bytesSent()).isEqualTo(steps * perStepFull);
        assertThat(prog.bytesSent()).isEqualTo(analyticTotal).isLessThan(plain.bytesSent());
        assertThat(prog.steps()).isEqualTo(steps);
    }
}

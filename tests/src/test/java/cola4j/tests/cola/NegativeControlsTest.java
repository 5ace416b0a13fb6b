package cola4j.tests.cola;

import cola4j.gl.auxiliary.AuxiliaryKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.MultiUserProposition;
import cola4j.gl.verify.PropositionResult;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks that the equivalence checks can fail, and for the right reasons.
 */
class NegativeControlsTest {
    static final Fixture FX = new Fixture(DType.FLOAT64, 0);

    /**
     * If the server added the auxiliary outputs as constants (not differentiable in x), dL/dh at an earlier site
     * would miss the path through every later auxiliary's input, so with stacked sites the captured gradient is
     * not LoRA's. This is why the server evaluates auxiliaries with {@code applyFrozen}.
     */
    @Test
    void constantAuxiliaryOutputsBreakTheHiddenGradientOnStackedSites() {
        DecoderLM m1 = FX.model(), m2 = FX.model();
        List<Site> s1 = FX.sites(m1);
        LinkedHashMap<String, AuxiliaryModel> a1 = FX.auxiliaries(s1, AuxiliaryKind.LOWRANK, 0, true);
        ColaServer server = new ColaServer(m1, s1);
        Map<String, Tensor> good = server.pass(FX.loss(m1, 0), Map.of(0, a1), RowRouting.single(0, Fixture.B),
                ColaMode.UNMERGED, null).hiddenGradients();

        m2.freeze();
        LinkedHashMap<String, AuxiliaryModel> a2 = FX.auxiliaries(FX.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        Map<String, Var> taps = new LinkedHashMap<>();
        ForwardContext ctx = ForwardContext.eval().withInterceptor((site, x, h) -> {
            AuxiliaryModel a = a2.get(site.name());
            if (a == null) return h;
            Tensor c;
            try (var s = GradMode.noGrad()) {
                c = a.apply(x).value();
            }
            Var t = Var.tap(h).retainGrad();
            taps.put(site.name(), t);
            return t.add(Var.constant(c));
        });
        FX.loss(m2, 0).loss(ctx).backward();
        PropositionResult.Diff d = new PropositionResult.Diff();
        good.forEach((site, g) -> d.add(taps.get(site).grad(), g));
        assertThat(d.result("ctl", "", 1e-10).maxRel()).isGreaterThan(1e-6);
        // the last site (nothing adapted after it) is unaffected: its gradient agrees
        String last = s1.get(s1.size() - 1).name();
        assertThat(taps.get(last).grad().maxAbsDiff(good.get(last))).isLessThan(1e-15);
    }

    /** A LoRA trajectory from a different initialization is far from ColA's: P3's comparison is sensitive. */
    @Test
    void trajectoriesFromDifferentInitsDiffer() {
        DecoderLM m1 = FX.model(), m2 = FX.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = FX.auxiliaries(FX.sites(m1), AuxiliaryKind.LOWRANK, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 = FX.auxiliaries(FX.sites(m2), AuxiliaryKind.LOWRANK, 1, false);
        var t1 = new LoraTrainer(m1, FX.sites(m1), Map.of(0, a1), Fixture.sgd(), null, 1, 1.0);
        var t2 = new LoraTrainer(m2, FX.sites(m2), Map.of(0, a2), Fixture.sgd(), null, 1, 1.0);
        for (int k = 0; k < 3; k++) {
            t1.step(FX.loss(m1, k), RowRouting.single(0, Fixture.B), null);
            t2.step(FX.loss(m2, k), RowRouting.single(0, Fixture.B), null);
        }
        Tensor w1 = a1.values().iterator().next().namedParameters().get("lora_B.weight").value();
        Tensor w2 = a2.values().iterator().next().namedParameters().get("lora_B.weight").value();
        assertThat(w1.maxAbsDiff(w2)).isGreaterThan(1e-6);
    }

    /** The server never forms a parameter gradient; merged mode refuses non-mergeable auxiliaries and mixed batches. */
    @Test
    void serverHoldsNoParameterGradientsAndRejectsBadMerges() {
        DecoderLM m = FX.model();
        List<Site> s = FX.sites(m);
        ColaServer server = new ColaServer(m, s);
        server.pass(FX.loss(m, 0), Map.of(0, FX.auxiliaries(s, AuxiliaryKind.LOWRANK, 0, true)),
                RowRouting.single(0, Fixture.B), ColaMode.UNMERGED, null);
        m.namedParameters().values().forEach(p -> assertThat(p.grad()).isNull());
        m.namedParameters().values().forEach(p -> assertThat(p.requiresGrad()).isFalse());
        assertThatThrownBy(() -> server.pass(FX.loss(m, 0), Map.of(0, FX.auxiliaries(s, AuxiliaryKind.MLP, 0, true)),
                        RowRouting.single(0, Fixture.B), ColaMode.MERGED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not mergeable");
        assertThatThrownBy(() -> server.pass(FX.loss(m, 0), Map.of(0, FX.auxiliaries(s, AuxiliaryKind.LOWRANK, 0, true),
                1, FX.auxiliaries(s, AuxiliaryKind.LOWRANK, 1, true)),
                new RowRouting(new int[] {0, 1, 0, 1}), ColaMode.MERGED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merged-average");
    }

    /**
     * The no-parameter-gradient guard fires: a base parameter made trainable after the server froze the model gets a
     * gradient in the backward, and the pass fails naming it (P1–P8 rely on the server never forming one).
     */
    @Test
    void anUnfrozenBaseParameterTripsTheNoParameterGradientGuard() {
        DecoderLM m = FX.model();
        List<Site> s = FX.sites(m);
        ColaServer server = new ColaServer(m, s);
        m.setTrainable(true);
        assertThatThrownBy(() -> server.pass(FX.loss(m, 0),
                Map.of(0, FX.auxiliaries(s, AuxiliaryKind.LOWRANK, 0, true)), RowRouting.single(0, Fixture.B),
                ColaMode.UNMERGED, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ColA server: parameter gradients were allocated for [")
                .hasMessageContaining("blocks.0.attn.query.weight").hasMessageContaining("lm_head.weight");
    }

    /**
     * P7 depends on the mixed loss being the sum of per-user means: with one mean over the whole batch each user's
     * gradient is scaled by its share of the targets (a different share every step), and the mixed batch no longer
     * trains each user as it would be trained alone.
     */
    @Test
    void aWholeBatchMeanLossBreaksP7() {
        PropositionResult good = MultiUserProposition.p7(FX, 1e-10);
        PropositionResult bad = MultiUserProposition.p7(FX, 1e-10, MultiUserProposition.MixedLoss.WHOLE_BATCH_MEAN);
        System.out.printf("P7 control: sum of per-user means %.3e, whole-batch mean %.3e (max rel)%n", good.maxRel(),
                bad.maxRel());
        assertThat(good.pass()).isTrue();
        assertThat(bad.maxRel()).isGreaterThan(1e-6);
        assertThat(bad.pass()).isFalse();
        assertThat(bad.setting()).contains("whole-batch mean");
    }
}

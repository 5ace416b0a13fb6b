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
import cola4j.gl.verify.NegativeControls;
import cola4j.gl.verify.PropositionResult;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that the equivalence checks can fail, and for the right reasons.
 */
class NegativeControlsTest {
    static final Fixture FX = new Fixture(DType.FLOAT64, 0);

    static Stream<NegativeControls.Mutant> mutants() {
        return NegativeControls.all().stream();
    }

    /**
     * Every mutant (the same list {@code cola verify --negative-controls} runs) fails its proposition at 1e-10; the
     * same propositions without the mutants pass (EquivalenceSuiteTest, StalenessAndEpochsTest).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void everyMutantFails(NegativeControls.Mutant m) throws Exception {
        PropositionResult bad = m.run().apply(FX, 1e-10);
        System.out.printf("%s mutant (%s): max rel %.3e%n", m.id(), m.breaks(), bad.maxRel());
        assertThat(bad.id()).isEqualTo(m.id());
        assertThat(bad.pass()).as(m.id() + " mutant: " + m.breaks()).isFalse();
        if (!m.id().equals("P4")) assertThat(bad.maxRel()).isGreaterThan(1e-6);   // P4's mutant: bits, not size
    }

    /** The mutants cover every proposition of the library suite (P1–P8, P10); P9's is with P9 in gl/app. */
    @Test
    void mutantsCoverEveryLibraryProposition() {
        assertThat(NegativeControls.all().stream().map(NegativeControls.Mutant::id).toList())
                .containsExactly("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P10");
    }

    /**
     * The P2 mutant (auxiliary outputs added as constants) breaks only sites with an adapted site after them: the
     * last site's gradient is unaffected, so the failure comes from the missing path through later inputs.
     */
    @Test
    void constantAuxiliaryOutputsLeaveTheLastSiteAlone() {
        List<Site> s = FX.sites(FX.model());
        Map<String, Double> err = NegativeControls.constantOutputGradientErrors(FX);
        assertThat(err.keySet()).containsExactlyElementsOf(s.stream().map(Site::name).toList());
        String last = s.get(s.size() - 1).name();
        assertThat(err.get(last)).isLessThan(1e-15);
        assertThat(err.get(s.get(0).name())).isGreaterThan(1e-6);
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
}

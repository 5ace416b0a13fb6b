package cola4j.tests.cola;

import cola4j.gl.auxiliary.AuxiliaryKind;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.GradientPropositions;
import cola4j.gl.verify.MultiUserProposition;
import cola4j.gl.verify.PropositionResult;
import cola4j.gl.verify.TrajectoryPropositions;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ColA equivalence suite in float64, one test per proposition (see cola4j.gl.verify for the statements).
 * Tolerance 1e-10 on the normwise relative difference: each proposition is an identity in exact arithmetic whose
 * two sides are computed in different orders, so they differ by rounding only (observed ≤ 5e-14).
 */
class EquivalenceSuiteTest {
    static final double TOL = 1e-10;
    static final Fixture FX = new Fixture(DType.FLOAT64, 0);

    static void assertPass(PropositionResult r) {
        assertThat(r.maxRel()).as(r.id() + ": " + r.setting()).isLessThanOrEqualTo(TOL);
        assertThat(r.pass()).isTrue();
    }

    // P1: GL gradient = backprop gradient, per auxiliary type and kind of site

    @Test
    void p1_lowRankAtLinearSites() {
        assertPass(GradientPropositions.p1(FX, AuxiliaryKind.LOWRANK, Fixture.SITES, TOL));
    }

    @Test
    void p1_linearAtLinearSites() {
        assertPass(GradientPropositions.p1(FX, AuxiliaryKind.LINEAR, Fixture.SITES, TOL));
    }

    @Test
    void p1_mlpAtLinearSites() {
        assertPass(GradientPropositions.p1(FX, AuxiliaryKind.MLP, Fixture.SITES, TOL));
    }

    @Test
    void p1_embeddingAdapterOnTokenIdsAtEmbeddingSites() {
        PropositionResult r = GradientPropositions.p1(FX, AuxiliaryKind.EMBEDDING, GradientPropositions.EMBEDDING_SITES,
                TOL);
        assertThat(r.setting()).startsWith("EmbeddingLowRankAux on token ids at embed.token:");
        assertPass(r);
    }

    @Test
    void p1_plainLowRankOnOneHotInputAtEmbeddingSites() {
        PropositionResult r = GradientPropositions.p1(FX, AuxiliaryKind.LOWRANK, GradientPropositions.EMBEDDING_SITES,
                TOL);
        assertThat(r.setting()).startsWith("LowRankAux on one-hot input at embed.token:");
        assertPass(r);
    }

    @Test
    void p1_linearOnOneHotInputAtEmbeddingSites() {
        PropositionResult r = GradientPropositions.p1(FX, AuxiliaryKind.LINEAR, GradientPropositions.EMBEDDING_SITES,
                TOL);
        assertThat(r.setting()).startsWith("LinearAux on one-hot input at embed.token");
        assertPass(r);
    }

    @Test
    void p1_mlpOnOneHotInputAtEmbeddingSites() {
        PropositionResult r = GradientPropositions.p1(FX, AuxiliaryKind.MLP, GradientPropositions.EMBEDDING_SITES, TOL);
        assertThat(r.setting()).startsWith("MlpAux on one-hot input at embed.token");
        assertPass(r);
    }

    // P2: captured dL/dh = backprop dL/d(auxiliary output), at every adapted site, for every auxiliary type

    @Test
    void p2_hiddenGradientEqualsAuxOutputGradientAtLinearSites() {
        for (AuxiliaryKind t : GradientPropositions.LINEAR_SITE_TYPES) {
            assertPass(GradientPropositions.p2(FX, t, Fixture.SITES, TOL));
        }
    }

    @Test
    void p2_hiddenGradientEqualsAuxOutputGradientAtEmbeddingSites() {
        for (AuxiliaryKind t : GradientPropositions.EMBEDDING_SITE_TYPES) {
            assertPass(GradientPropositions.p2(FX, t, GradientPropositions.EMBEDDING_SITES, TOL));
        }
    }

    @Test
    void p2_holdsWhenEverySiteOfTheModelIsAdapted() {
        // every site of the tiny decoder with a row axis: the token embedding (LowRank on the one-hot), every linear
        // layer of both blocks, the LM head (all but embed.position, whose output is shared by every row)
        PropositionResult r = GradientPropositions.p2(FX, AuxiliaryKind.LOWRANK,
                SiteSelector.regex("embed\\.token|blocks\\..*|lm_head"), TOL);
        assertThat(r.setting()).contains((FX.model().sites().size() - 1) + " sites (embed.token, …, lm_head)");
        assertPass(r);
    }

    @Test
    void p3_colaFollowsLoraUnderSgd() {
        assertPass(TrajectoryPropositions.p3(FX, "sgd", TOL));
    }

    @Test
    void p3_colaFollowsLoraUnderAdamWWithSchedule() {
        assertPass(TrajectoryPropositions.p3(FX, "adamw", TOL));
    }

    @Test
    void p4_mergedEqualsUnmergedAndRestoresBaseWeights() {
        assertPass(TrajectoryPropositions.p4(FX, TOL));
    }

    @Test
    void p5_intervalEqualsGradientAccumulation() {
        assertPass(TrajectoryPropositions.p5(FX, TOL));
    }

    @Test
    void p6_mergedFullRankLinearEqualsFullFineTuning() {
        assertPass(TrajectoryPropositions.p6(FX, TOL));
    }

    @Test
    void p7_mixedBatchEqualsUsersAlone() {
        assertPass(MultiUserProposition.p7(FX, TOL));
    }

    @Test
    void p8_mlpByGlEqualsMlpByBackprop() {
        assertPass(TrajectoryPropositions.p8(FX, TOL));
    }

    @Test
    void anotherSeedPassesToo() {
        Fixture fx = new Fixture(DType.FLOAT64, 42);
        List<PropositionResult> r = List.of(TrajectoryPropositions.p3(fx, "adamw", TOL),
                MultiUserProposition.p7(fx, TOL));
        r.forEach(EquivalenceSuiteTest::assertPass);
    }
}

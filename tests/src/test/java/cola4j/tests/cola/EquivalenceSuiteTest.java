package cola4j.tests.cola;

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

    @Test
    void p1_p2_lowRankAtLinearSites() {
        GradientPropositions.check(FX, "lowrank", Fixture.SITES, TOL).forEach(EquivalenceSuiteTest::assertPass);
    }

    @Test
    void p1_p2_linearAtLinearSites() {
        GradientPropositions.check(FX, "linear", Fixture.SITES, TOL).forEach(EquivalenceSuiteTest::assertPass);
    }

    @Test
    void p1_p2_mlpAtLinearSites() {
        GradientPropositions.check(FX, "mlp", Fixture.SITES, TOL).forEach(EquivalenceSuiteTest::assertPass);
    }

    @Test
    void p1_p2_embeddingAdapterAtEmbeddingSite() {
        GradientPropositions.check(FX, "embedding", SiteSelector.suffixes("embed.token"), TOL).forEach(EquivalenceSuiteTest::assertPass);
        GradientPropositions.check(FX, "linear", SiteSelector.suffixes("embed.token"), TOL).forEach(EquivalenceSuiteTest::assertPass);
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
        List<PropositionResult> r = List.of(TrajectoryPropositions.p3(fx, "adamw", TOL), MultiUserProposition.p7(fx, TOL));
        r.forEach(EquivalenceSuiteTest::assertPass);
    }
}

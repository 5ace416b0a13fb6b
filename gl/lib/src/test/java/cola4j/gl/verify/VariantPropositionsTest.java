package cola4j.gl.verify;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * P1 and P3 for rsLoRA, PiSSA and DoRA hold in float64 on non-trivial gradients and moving trajectories; DoRA fails
 * without the user's W0.
 */
class VariantPropositionsTest {
    static final Fixture FX = new Fixture(DType.FLOAT64, 20240417L);

    @Test
    void glGradientEqualsBackpropForEachVariant() {
        for (LoraVariant v : VariantPropositions.CHECKED) {
            PropositionResult r = VariantPropositions.p1(FX, v, Verifier.TOL64);
            assertThat(r.pass()).as(r.toString()).isTrue();
            assertThat(r.setting()).startsWith(v.cliName() + ": ");
            GradientPropositions.AuxBuilder b = sites -> VariantPropositions.build(FX, sites, v);
            GradientPropositions.Sides s = GradientPropositions.sides(FX, b, b, Fixture.SITES,
                    GradientLearning::gradient);
            int sites = FX.model().sites(Fixture.SITES).size();
            assertThat(s.backprop().keySet()).hasSize(sites * (v == LoraVariant.DORA ? 3 : 2));
            s.backprop().forEach((k, g) -> assertThat(g.maxAbs()).as(v + " " + k + " is not trivially 0")
                    .isGreaterThan(1e-8));
        }
    }

    @Test
    void colaTrajectoryEqualsLoraForEachVariant() {
        for (LoraVariant v : VariantPropositions.CHECKED) {
            PropositionResult r = VariantPropositions.p3(FX, v, Verifier.TOL64);
            assertThat(r.id()).isEqualTo("P3");
            assertThat(r.setting()).startsWith(v.cliName() + ": ColA (I=1) vs LoRA, 20 steps");
            assertThat(r.pass()).as(r.toString()).isTrue();
        }
    }

    @Test
    void variantTrajectoriesMove() {
        // the P3 comparison is between trained adapters, not two copies of the initialization
        for (LoraVariant v : VariantPropositions.CHECKED) {
            var m = FX.model();
            var aux = VariantPropositions.build(FX, m.sites(Fixture.SITES), v);
            var before = TrajectoryPropositions.state(aux);
            var t = TrajectoryPropositions.cola(m, aux, Fixture.adamW(), Fixture.schedule(5), 1,
                    cola4j.gl.cola.ColaMode.UNMERGED);
            for (int k = 0; k < 5; k++) t.step(FX.loss(m, k), cola4j.gl.cola.RowRouting.single(0, Fixture.B), null);
            var after = TrajectoryPropositions.state(aux);
            before.forEach((n, x) -> assertThat(after.get(n).maxAbsDiff(x)).as(v + " " + n).isGreaterThan(1e-4));
        }
    }

    @Test
    void variantsBuildTheirOwnForm() {
        var sites = FX.model().sites(Fixture.SITES);
        var rs = (LowRankAux) VariantPropositions.build(FX, sites, LoraVariant.RSLORA).values().iterator().next();
        assertThat(rs.scale()).isEqualTo(4.0 / Math.sqrt(2));
        Tensor w0 = sites.get(0).weight().copy();
        var pissa = (LowRankAux) VariantPropositions.build(FX, sites, LoraVariant.PISSA).values().iterator().next();
        assertThat(sites.get(0).weight().add(pissa.deltaWeight()).maxAbsDiff(w0)).as("W_res + s·B·A = W0")
                .isLessThan(1e-13);
        assertThat(sites.get(0).weight().maxAbsDiff(w0)).as("the base now holds W_res").isGreaterThan(1e-3);
        var fresh = FX.model().sites(Fixture.SITES);
        var dora = (DoraAux) VariantPropositions.build(FX, fresh, LoraVariant.DORA).values().iterator().next();
        assertThat(dora.base().maxAbsDiff(fresh.get(0).weight())).isZero();
    }

    @Test
    void doraNeedsTheBaseWeightAtTheUser() {
        PropositionResult bad = VariantPropositions.doraWithoutBase(FX, 1e-2, Verifier.TOL64);
        assertThat(bad.pass()).as(bad.toString()).isFalse();
        assertThat(bad.maxRel()).isGreaterThan(1e-5);
        assertThat(VariantPropositions.doraWithoutBase(FX, 0.0, Verifier.TOL64).pass())
                .as("zero noise: the control itself is sound").isTrue();
    }
}

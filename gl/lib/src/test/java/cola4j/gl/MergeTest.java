package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.LinalgOps;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Folding a linear auxiliary into the base weights changes nothing: f_{W+ΔW}(x) = f_W(x) + g(x). */
class MergeTest {
    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "linear", "embedding"})
    void mergedWeightsGiveTheSameOutput(String type) {
        GlFixture f = new GlFixture(type, 41);
        AuxiliaryModel aux = f.aux(3);
        assertThat(aux.mergeable()).isTrue();
        Tensor x = f.batch(42);
        Tensor unmerged = f.base(Var.constant(x)).add(aux.apply(Var.constant(x))).value();
        Tensor merged;
        if (f.embedding()) {
            Tensor table = aux.mergedWeight(f.table);                       // [vocab, out]
            int[] ids = new int[x.numel()];
            for (int i = 0; i < ids.length; i++) ids[i] = (int) x.getFlat(i);
            merged = LinalgOps.gatherRows(Var.constant(table), ids).value()
                    .reshape(GlFixture.B, GlFixture.T, GlFixture.OUT);
        } else {
            Tensor w = aux.mergedWeight(f.w), b = aux.mergedBias(f.b);
            merged = x.matmul(w, false, true).add(b);                        // [B, T, in] x [in, out] + [out]
        }
        double err = merged.maxAbsDiff(unmerged) / unmerged.maxAbs();
        System.out.printf("merge [%s]: max rel err %.3e%n", type, err);
        assertThat(err).isLessThanOrEqualTo(1e-12);
        assertThat(aux.deltaWeight().maxAbs()).isGreaterThan(1e-3);
        assertThat(f.w.maxAbsDiff(new GlFixture(type, 41).w)).as("base weight untouched").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp-sigmoid"})
    void mlpDeltaThrowsClearly(String type) {
        AuxiliaryModel aux = new GlFixture(type, 43).aux(1);
        assertThat(aux.mergeable()).isFalse();
        assertThatThrownBy(aux::deltaWeight).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mlp auxiliary is not mergeable").hasMessageContaining("nonlinear");
        assertThatThrownBy(() -> aux.mergedWeight(Tensor.zeros(GlFixture.F64, GlFixture.OUT, GlFixture.IN)))
                .isInstanceOf(IllegalStateException.class);
    }
}

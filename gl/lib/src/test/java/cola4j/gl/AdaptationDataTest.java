package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.auxiliary.LinearAux;
import cola4j.gl.auxiliary.LinearConfig;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptationDataTest {
    static final DType F64 = DType.FLOAT64;

    @Test
    void validationNamesTheSite() {
        assertThatThrownBy(() -> new AdaptationData("blocks.0.q", Tensor.zeros(F64, 3, 4), Tensor.zeros(F64, 2, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'blocks.0.q'")
                .hasMessageContaining("different row counts");
        Tensor bad = Tensor.zeros(F64, 3, 5);
        bad.setFlat(7, Double.NaN);
        assertThatThrownBy(() -> new AdaptationData("blocks.0.q", Tensor.zeros(F64, 3, 4), bad))
                .hasMessageContaining("'blocks.0.q'").hasMessageContaining("gradH").hasMessageContaining("NaN");
        Tensor inf = Tensor.zeros(F64, 3, 4);
        inf.setFlat(0, Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> new AdaptationData("s", inf, Tensor.zeros(F64, 3, 5)))
                .hasMessageContaining("x").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> new AdaptationData("s", Tensor.zeros(F64, 3, 4), Tensor.zeros(F64, 3)))
                .hasMessageContaining("gradH must be [rows, out]");
        assertThatThrownBy(() -> new AdaptationData(" ", Tensor.zeros(F64, 3, 4), Tensor.zeros(F64, 3, 5)))
                .hasMessageContaining("site name");
    }

    @Test
    void concatAndBytesAndBuffer() {
        Rng rng = new Rng(1);
        AdaptationData a = new AdaptationData("s", rng.normal(F64, 0, 1, 2, 4), rng.normal(F64, 0, 1, 2, 5));
        AdaptationData b = new AdaptationData("s", rng.normal(F64, 0, 1, 3, 4), rng.normal(F64, 0, 1, 3, 5));
        assertThat(a.bytes()).isEqualTo((2 * 4 + 2 * 5) * 8L);
        AdaptationData ab = AdaptationData.concat(List.of(a, b));
        assertThat(ab.rows()).isEqualTo(5);
        assertThat(ab.x().slice(0, 2, 5).bitEquals(b.x())).isTrue();
        assertThat(ab.gradH().slice(0, 0, 2).bitEquals(a.gradH())).isTrue();
        assertThatThrownBy(() -> AdaptationData.concat(List.of(a, new AdaptationData("t", a.x(), a.gradH()))))
                .hasMessageContaining("site 't'");
        assertThatThrownBy(() -> AdaptationData.concat(
                List.of(a, new AdaptationData("s", Tensor.zeros(F64, 2, 3), a.gradH()))))
                .hasMessageContaining("part 1 has x");

        AdaptationBuffer buf = new AdaptationBuffer(2);
        assertThat(buf.add(a)).isFalse();
        assertThatThrownBy(() -> buf.add(new AdaptationData("t", a.x(), a.gradH())))
                .hasMessageContaining("holds site 's'");
        assertThat(buf.add(b)).isTrue();
        assertThat(buf.bytes()).isEqualTo(a.bytes() + b.bytes());
        assertThatThrownBy(() -> buf.add(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("full");
        assertThat(buf.drain().x().bitEquals(ab.x())).isTrue();
        assertThat(buf.isEmpty()).isTrue();
    }

    @Test
    void linearAuxiliaryGradientHasTheClosedFormGtX() {
        // independent of autograd: for g(x) = x Wᵀ + b, dL/dW = Gᵀ X and dL/db = Σ_rows G
        Rng rng = new Rng(2);
        Tensor x = rng.normal(F64, 0, 1, 6, 4), g = rng.normal(F64, 0, 1, 6, 3);
        LinearAux aux = new LinearAux(4, 3, new LinearConfig(true, F64));
        aux.namedParameters().get("weight").setValue(rng.normal(F64, 0, 1, 3, 4));
        var grads = GradientLearning.gradient(aux, new AdaptationData("s", x, g));
        double[] gw = new double[12], gb = new double[3];
        for (int r = 0; r < 6; r++) {
            for (int o = 0; o < 3; o++) {
                gb[o] += g.get(r, o);
                for (int i = 0; i < 4; i++) gw[o * 4 + i] += g.get(r, o) * x.get(r, i);
            }
        }
        assertThat(grads.get("weight").maxAbsDiff(Tensor.of(gw, 3, 4))).isLessThanOrEqualTo(1e-14);
        assertThat(grads.get("bias").maxAbsDiff(Tensor.of(gb, 3))).isLessThanOrEqualTo(1e-14);
    }

    @Test
    void surrogateRejectsMismatchedShapes() {
        LinearAux aux = new LinearAux(4, 3, new LinearConfig(false, F64));
        AdaptationData d = new AdaptationData("site.x", Tensor.zeros(F64, 2, 4), Tensor.zeros(F64, 2, 5));
        assertThatThrownBy(() -> GradientLearning.surrogateLoss(aux, d))
                .hasMessageContaining("'site.x'").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 5]");
    }
}

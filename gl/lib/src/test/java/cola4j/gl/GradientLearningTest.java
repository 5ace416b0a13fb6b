package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** P1 core: the GL gradient from (x, dL/dh) equals dL/dw of the whole graph, for every auxiliary type. */
class GradientLearningTest {

    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "linear", "mlp", "mlp-sigmoid", "embedding"})
    void glGradientEqualsBackpropGradient(String type) {
        GlFixture f = new GlFixture(type, 11);
        AuxiliaryModel aux = f.aux(5);
        Tensor x = f.batch(21);
        LinkedHashMap<String, Tensor> ref = GlFixture.backpropGradient(aux, f.fullLoss(aux, x));
        AdaptationData data = f.serverPass(aux, x);
        assertThat(data.rows()).isEqualTo(GlFixture.B * GlFixture.T);
        LinkedHashMap<String, Tensor> gl = GradientLearning.gradient(aux, data);
        assertThat(gl.keySet()).containsExactlyElementsOf(ref.keySet());
        for (Tensor g : ref.values()) assertThat(g.maxAbs()).isGreaterThan(1e-3); // nothing trivially zero
        double err = GlFixture.relErr(gl, ref);
        System.out.printf("GL vs backprop [%s]: max rel err %.3e%n", type, err);
        assertThat(err).isLessThanOrEqualTo(1e-12);
        // the surrogate's value is ½‖dL/dh‖², independent of w
        double half = 0.5 * data.gradH().norm() * data.gradH().norm();
        assertThat(GradientLearning.surrogateLoss(aux, data).value().item())
                .isCloseTo(half, org.assertj.core.api.Assertions.within(1e-12 * half));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowrank", "linear", "mlp", "mlp-sigmoid", "embedding"})
    void glGradientMatchesCentralFiniteDifferences(String type) {
        GlFixture f = new GlFixture(type, 12);
        AuxiliaryModel aux = f.aux(6);
        Tensor x = f.batch(22);
        LinkedHashMap<String, Tensor> gl = GradientLearning.gradient(aux, f.serverPass(aux, x));
        double eps = 1e-6, num = 0, den = 0;
        for (Map.Entry<String, Var> e : aux.namedParameters().entrySet()) {
            Var p = e.getValue();
            Tensor orig = p.value();
            for (int i = 0; i < orig.numel(); i++) {
                Tensor plus = orig.copy(), minus = orig.copy();
                plus.setFlat(i, orig.getFlat(i) + eps);
                minus.setFlat(i, orig.getFlat(i) - eps);
                double lp, lm;
                try (var s = GradMode.noGrad()) {
                    p.setValue(plus);
                    lp = f.fullLoss(aux, x).value().item();
                    p.setValue(minus);
                    lm = f.fullLoss(aux, x).value().item();
                }
                p.setValue(orig);
                double fd = (lp - lm) / (2 * eps);
                num = Math.max(num, Math.abs(fd - gl.get(e.getKey()).getFlat(i)));
                den = Math.max(den, Math.abs(fd));
            }
        }
        System.out.printf("GL vs finite differences [%s]: max rel err %.3e%n", type, num / den);
        assertThat(num / den).isLessThanOrEqualTo(1e-8);
    }
}

package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradCheck;
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
        // every entry of every parameter, central differences with h = 1e-6 on the full (server + user) loss
        GradCheck.Result r = GradCheck.checkParams(() -> f.fullLoss(aux, x),
                        aux.namedParameters(), gl, Integer.MAX_VALUE, 0, GradCheck.Config.DEFAULT)
                .require("GL vs finite differences [" + type + "]", GradCheck.TOL);
        System.out.printf("GL vs finite differences [%s]: %s%n", type, r);
    }
}

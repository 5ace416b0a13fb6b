package cola4j.autograd;

import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker itself: it must fail on a wrong VJP and report where. */
class GradCheckTest {

    @Test
    void detectsAWrongVjp() {
        // z = x², with a VJP that forgets the factor 2
        GradCheck.Result r = GradCheck.check(v -> {
            Var x = v.get(0);
            return Var.result(x.value().mul(x.value()), "bad_square", g -> x.accumulate(g.mul(x.value())), x);
        }, List.of(randn(501, 3, 2)));
        assertThat(r.pass(GradCheck.TOL)).as(r.toString()).isFalse();
        assertThat(r.maxRelError()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(r.worstInput()).isZero();
    }

    @Test
    void detectsAMissingBroadcastReduction() {
        // a VJP that only credits the first row of a broadcast operand
        Tensor a0 = randn(502, 3, 4), b0 = randn(503, 4);
        GradCheck.Result r = GradCheck.check(v -> {
            Var a = v.get(0), b = v.get(1);
            return Var.result(a.value().add(b.value()), "bad_add", g -> {
                a.accumulate(g);
                b.accumulate(g.slice(0, 0, 1).reshape(4));
            }, a, b);
        }, List.of(a0, b0));
        assertThat(r.pass(GradCheck.TOL)).as(r.toString()).isFalse();
        assertThat(r.worstInput()).isEqualTo(1);
    }

    @Test
    void numericGradientOfAKnownFunction() {
        // L = Σ x³, dL/dx = 3x²
        Tensor x = randn(504, 5);
        Tensor g = GradCheck.numericGradients(v -> v.get(0).pow(3).sum(false), List.of(x), Tensor.scalar(1.0), 1e-5)
                .get(0);
        assertThat(g.maxAbsDiff(x.pow(2).mul(3.0))).isLessThan(1e-9);
        assertThat(x.bitEquals(randn(504, 5))).as("inputs untouched").isTrue();
    }

    @Test
    void paramsCheckSamplesRestoresAndNamesTheWorstEntry() {
        // L = Σ tanh(W·x) + Σ b², W [3, 4], b [5]
        Tensor x0 = randn(505, 4, 2);
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("w", Var.param(randn(506, 3, 4)));
        params.put("b", Var.param(randn(507, 5)));
        Tensor w0 = params.get("w").value().copy(), b0 = params.get("b").value().copy();
        java.util.function.Supplier<Var> loss = () -> params.get("w").matmul(Var.constant(x0)).tanh().sum(false)
                .add(params.get("b").pow(2).sum(false));
        GradCheck.Config cfg = GradCheck.Config.DEFAULT;
        GradCheck.Result all = GradCheck.checkParams(loss, params, Integer.MAX_VALUE, 1, cfg);
        assertThat(all.require("all entries", GradCheck.TOL).checked()).isEqualTo(12 + 5);
        assertThat(params.get("w").value().bitEquals(w0)).as("restored").isTrue();
        assertThat(params.get("b").value().bitEquals(b0)).as("restored").isTrue();
        assertThat(GradCheck.checkParams(loss, params, 3, 1, cfg).checked()).isEqualTo(3 + 3);

        // given analytic gradients with one wrong entry: the message names it
        Map<String, Tensor> analytic = new LinkedHashMap<>();
        analytic.put("w", params.get("w").grad());
        analytic.put("b", params.get("b").value().mul(2.0));
        analytic.get("b").setFlat(4, analytic.get("b").getFlat(4) + 0.5);
        GradCheck.Result bad = GradCheck.checkParams(loss, params, analytic, Integer.MAX_VALUE, 1, cfg);
        assertThat(bad.worstName()).isEqualTo("b");
        assertThat(bad.worstIndex()).isEqualTo(4);
        assertThatThrownBy(() -> bad.require("wrong b", GradCheck.TOL)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("GradCheck wrong b: rel error").hasMessageContaining("at b[4]");
    }

    @Test
    void paramsCheckRejectsNonScalarLossesAndVacuousChecks() {
        Var v = Var.param(randn(508, 3));
        Map<String, Var> params = Map.of("v", v);
        GradCheck.Config cfg = GradCheck.Config.DEFAULT;
        assertThatThrownBy(() -> GradCheck.checkParams(() -> v.mul(2.0), params, Map.of(), 3, 1, cfg))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalar");
        GradCheck.Result zero = GradCheck.checkParams(() -> v.mul(0.0).sum(false), params, 3, 1, cfg);
        assertThatThrownBy(() -> zero.require("detached", GradCheck.TOL)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("nothing was tested");
    }
}

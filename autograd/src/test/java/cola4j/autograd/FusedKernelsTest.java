package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each fused kernel equals its composite definition in float64, values and gradients, to ≤ 1e-13 relative
 * (max |fused − composite| / max |composite| over the tensor), and its VJP matches finite differences on its own.
 * float32: the kernel rounds once per element, the composite after every op, so they agree to float rounding only.
 */
class FusedKernelsTest {
    static final double TOL = 1e-13;

    /** {value, gradient for a random upstream} of op at x. */
    private static Tensor[] valueAndGrad(UnaryOperator<Var> op, Tensor x, Tensor upstream) {
        Var v = Var.param(x);
        Var y = op.apply(v);
        y.backward(upstream);
        return new Tensor[] {y.value(), v.grad()};
    }

    static double rel(Tensor a, Tensor ref) {
        return a.sub(ref).maxAbs() / ref.maxAbs();
    }

    /** x: normal with wide spread, plus exact 0, ±tiny, ±large values (tanh saturation, the small-|x| branch). */
    private static Tensor inputs(DType dt) {
        Tensor r = new Rng(41).normal(dt, 0, 3, 6, 50);
        double[] special = {0, -0.0, 1e-6, -1e-6, 1e-3, -30, 30, 7, -7, -0.75};
        for (int i = 0; i < special.length; i++) r.setFlat(i, special[i]);
        return r;
    }

    @Test
    void geluKernelEqualsCompositeInFloat64() {
        Tensor x = inputs(DType.FLOAT64), up = new Rng(42).normal(DType.FLOAT64, 0, 1, 6, 50);
        Tensor[] fused = valueAndGrad(Activations::gelu, x, up);
        Tensor[] comp = valueAndGrad(Activations::geluComposite, x, up);
        double ev = rel(fused[0], comp[0]), eg = rel(fused[1], comp[1]);
        System.out.printf("gelu fused vs composite, float64: values %.2e, gradients %.2e%n", ev, eg);
        assertThat(ev).isLessThanOrEqualTo(TOL);
        assertThat(eg).isLessThanOrEqualTo(TOL);
        assertThat(fused[1].maxAbs()).isGreaterThan(0.5);
        require("gelu (fused)", v -> Activations.gelu(v.get(0)), new Rng(43).normal(DType.FLOAT64, 0, 2, 3, 4));
    }

    @Test
    void geluKernelAgreesWithCompositeInFloat32ToRounding() {
        Tensor x = inputs(DType.FLOAT32), up = new Rng(42).normal(DType.FLOAT32, 0, 1, 6, 50);
        Tensor[] fused = valueAndGrad(Activations::gelu, x, up);
        Tensor[] comp = valueAndGrad(Activations::geluComposite, x, up);
        assertThat(rel(fused[0], comp[0])).isLessThanOrEqualTo(1e-6);
        assertThat(rel(fused[1], comp[1])).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void aWrongKernelWouldBeCaught() {
        // negative control: the composite with the cubic coefficient off by 1e-9 is already beyond the tolerance
        Tensor x = inputs(DType.FLOAT64), up = new Rng(42).normal(DType.FLOAT64, 0, 1, 6, 50);
        Tensor[] comp = valueAndGrad(Activations::geluComposite, x, up);
        UnaryOperator<Var> off = v -> v.mul(0.5).mul(v.add(v.pow(3).mul(0.044715 + 1e-9))
                .mul(Activations.SQRT_2_OVER_PI).tanh().add(1.0));
        Tensor[] bad = valueAndGrad(off, x, up);
        assertThat(rel(bad[0], comp[0])).isGreaterThan(TOL);
    }
}

package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    /** Attention-like scores [2, 3, 5, 7]: spread values, a masked (−1e30) block and one fully masked row. */
    private static Tensor scores(DType dt) {
        Tensor t = new Rng(51).normal(dt, 0, 4, 2, 3, 5, 7);
        for (int j = 3; j < 7; j++) t.setFlat(j, -1e30);         // row 0: keys 3.. masked
        for (int j = 0; j < 7; j++) t.setFlat(7 + j, -1e30);     // row 1: every key masked (uniform)
        return t;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxKernelValuesAreTheCompositesBitForBit(DType dt) {
        Tensor x = scores(dt);
        Tensor fused = Activations.softmax(Var.constant(x), -1).value();
        Tensor comp = Activations.softmaxComposite(Var.constant(x), -1).value();
        assertThat(fused.toDoubleArray()).containsExactly(comp.toDoubleArray());
        assertThat(fused.getFlat(3)).isZero();
        assertThat(fused.getFlat(7)).isEqualTo(comp.getFlat(7)).isCloseTo(1.0 / 7, within(1e-6));
    }

    @Test
    void softmaxKernelGradientEqualsCompositeInFloat64() {
        Tensor x = scores(DType.FLOAT64), up = new Rng(52).normal(DType.FLOAT64, 0, 1, 2, 3, 5, 7);
        Tensor[] fused = valueAndGrad(v -> Activations.softmax(v, 3), x, up);
        Tensor[] comp = valueAndGrad(v -> Activations.softmaxComposite(v, 3), x, up);
        double eg = rel(fused[1], comp[1]);
        System.out.printf("softmax fused vs composite, float64: gradients %.2e%n", eg);
        assertThat(eg).isLessThanOrEqualTo(TOL);
        assertThat(fused[1].maxAbs()).isGreaterThan(0.01);
        require("softmax (fused)", v -> Activations.softmax(v.get(0), -1),
                new Rng(53).normal(DType.FLOAT64, 0, 2, 3, 4));
        Tensor[] f32 = valueAndGrad(v -> Activations.softmax(v, -1), scores(DType.FLOAT32), up.to(DType.FLOAT32));
        Tensor[] c32 = valueAndGrad(v -> Activations.softmaxComposite(v, -1), scores(DType.FLOAT32),
                up.to(DType.FLOAT32));
        assertThat(rel(f32[1], c32[1])).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void softmaxOverAnotherAxisIsTheComposite() {
        Tensor x = new Rng(54).normal(DType.FLOAT64, 0, 2, 3, 4);
        Tensor up = new Rng(55).normal(DType.FLOAT64, 0, 1, 3, 4);
        Tensor[] a = valueAndGrad(v -> Activations.softmax(v, 0), x, up);
        Tensor[] b = valueAndGrad(v -> Activations.softmaxComposite(v, 0), x, up);
        assertThat(a[0].toDoubleArray()).containsExactly(b[0].toDoubleArray());
        assertThat(a[1].toDoubleArray()).containsExactly(b[1].toDoubleArray());
    }

    /** {y, dx, dγ, dβ} of layer norm at x [4, 6, 16] with random γ, β and upstream. */
    private static Tensor[] layerNormGrads(DType dt, boolean fused, boolean affine) {
        Rng r = new Rng(61);
        Var x = Var.param(r.normal(dt, 0.5, 3, 4, 6, 16));
        Var gamma = affine ? Var.param(r.normal(dt, 1, 0.5, 16)) : null;
        Var beta = affine ? Var.param(r.normal(dt, 0, 0.5, 16)) : null;
        Tensor up = r.normal(dt, 0, 1, 4, 6, 16);
        Var y = fused ? Normalization.layerNorm(x, gamma, beta, 1e-5)
                : Normalization.layerNormComposite(x, gamma, beta, 1e-5);
        y.backward(up);
        return affine ? new Tensor[] {y.value(), x.grad(), gamma.grad(), beta.grad()}
                : new Tensor[] {y.value(), x.grad()};
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void layerNormKernelEqualsComposite(DType dt) {
        for (boolean affine : new boolean[] {true, false}) {
            Tensor[] f = layerNormGrads(dt, true, affine), c = layerNormGrads(dt, false, affine);
            assertThat(f[0].toDoubleArray()).as("values bit-identical").containsExactly(c[0].toDoubleArray());
            double ex = rel(f[1], c[1]);
            System.out.printf("layerNorm fused vs composite, %s, affine %s: dx %.2e%n", dt, affine, ex);
            assertThat(ex).isLessThanOrEqualTo(dt == DType.FLOAT64 ? TOL : 1e-5);
            assertThat(f[1].maxAbs()).isGreaterThan(1e-3);
            for (int i = 2; i < f.length; i++) {
                assertThat(f[i].toDoubleArray()).as("dγ, dβ bit-identical").containsExactly(c[i].toDoubleArray());
            }
        }
        if (dt == DType.FLOAT64) {
            Rng r = new Rng(62);
            require("layerNorm (fused)", v -> Normalization.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5),
                    r.normal(dt, 0, 2, 3, 5), r.normal(dt, 1, 0.5, 5), r.normal(dt, 0, 0.5, 5));
        }
    }
}

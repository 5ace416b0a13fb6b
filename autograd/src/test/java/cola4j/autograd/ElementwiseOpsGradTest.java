package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static cola4j.autograd.Inputs.awayFromZero;
import static cola4j.autograd.Inputs.randn;
import static cola4j.autograd.Inputs.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks (float64, h = 1e-5 from {@link GradCheck.Config#DEFAULT}, rel tol {@link GradCheck#TOL} =
 * 1e-7) of every elementwise op.
 */
class ElementwiseOpsGradTest {

    @Test
    void addSameShapeAndBroadcast() {
        require("add [3,4]+[3,4]", v -> v.get(0).add(v.get(1)), randn(1, 3, 4), randn(2, 3, 4));
        require("add [2,3,4]+[4]", v -> v.get(0).add(v.get(1)), randn(3, 2, 3, 4), randn(4, 4));
        require("add [3,1]+[1,4]", v -> v.get(0).add(v.get(1)), randn(5, 3, 1), randn(6, 1, 4));
        require("add []+[2,3]", v -> v.get(0).add(v.get(1)), randn(7), randn(8, 2, 3));
    }

    @Test
    void subSameShapeAndBroadcast() {
        require("sub [3,4]-[3,4]", v -> v.get(0).sub(v.get(1)), randn(11, 3, 4), randn(12, 3, 4));
        require("sub [4]-[2,3,4]", v -> v.get(0).sub(v.get(1)), randn(13, 4), randn(14, 2, 3, 4));
        require("sub [2,1,4]-[3,1]", v -> v.get(0).sub(v.get(1)), randn(15, 2, 1, 4), randn(16, 3, 1));
    }

    @Test
    void mulSameShapeAndBroadcast() {
        require("mul [3,4]*[3,4]", v -> v.get(0).mul(v.get(1)), randn(21, 3, 4), randn(22, 3, 4));
        require("mul [2,3,4]*[3,1]", v -> v.get(0).mul(v.get(1)), randn(23, 2, 3, 4), randn(24, 3, 1));
        require("mul [1,4]*[3,1]", v -> v.get(0).mul(v.get(1)), randn(25, 1, 4), randn(26, 3, 1));
    }

    @Test
    void divSameShapeAndBroadcast() {
        require("div [3,4]/[3,4]", v -> v.get(0).div(v.get(1)), randn(31, 3, 4), awayFromZero(32, 3, 4));
        require("div [2,3,4]/[4]", v -> v.get(0).div(v.get(1)), randn(33, 2, 3, 4), awayFromZero(34, 4));
        require("div [4]/[2,3,4]", v -> v.get(0).div(v.get(1)), randn(35, 4), awayFromZero(36, 2, 3, 4));
    }

    @Test
    void scalarOpsAndNeg() {
        require("addScalar", v -> v.get(0).add(2.5), randn(41, 3, 4));
        require("mulScalar", v -> v.get(0).mul(-1.75), randn(42, 3, 4));
        require("neg", v -> v.get(0).neg(), randn(43, 3, 4));
    }

    @Test
    void transcendental() {
        require("exp", v -> v.get(0).exp(), randn(51, 3, 4));
        require("log", v -> v.get(0).log(), uniform(52, 0.3, 3.0, 3, 4));
        require("sqrt", v -> v.get(0).sqrt(), uniform(53, 0.3, 3.0, 3, 4));
        require("tanh", v -> v.get(0).tanh(), randn(54, 3, 4));
        require("pow 3", v -> v.get(0).pow(3), randn(55, 3, 4));
        require("pow -1.5", v -> v.get(0).pow(-1.5), uniform(56, 0.5, 2.0, 3, 4));
        require("pow 0.5", v -> v.get(0).pow(0.5), uniform(57, 0.5, 2.0, 3, 4));
    }

    @Test
    void maximumAwayFromTies() {
        Tensor a = randn(61, 3, 4), b = randn(62, 3, 4);
        assertThat(minGap(a, b)).as("no near-ties, so max is differentiable at the checked point").isGreaterThan(1e-4);
        require("maximum [3,4],[3,4]", v -> v.get(0).maximum(v.get(1)), a, b);
        Tensor c = randn(63, 2, 3, 4), d = randn(64, 4);
        assertThat(minGap(c, d.expand(2, 3, 4))).isGreaterThan(1e-4);
        require("maximum [2,3,4],[4]", v -> v.get(0).maximum(v.get(1)), c, d);
    }

    @Test
    void maximumSplitsTiesHalfAndHalf() {
        Var a = Var.param(Tensor.of(new double[] {1, 2, 3}, 3));
        Var b = Var.param(Tensor.of(new double[] {1, 5, 0}, 3));
        a.maximum(b).sum(false).backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(0.5, 0.0, 1.0);
        assertThat(b.grad().toDoubleArray()).containsExactly(0.5, 1.0, 0.0);
    }

    @Test
    void whereWithBroadcasting() {
        Tensor mask = Tensor.of(new double[] {1, 0, 1}, 3, 1);  // [3,1]
        require("where [3,1]?[3,4]:[4]", v -> ElementwiseOps.where(mask, v.get(0), v.get(1)), randn(71, 3, 4),
                randn(72, 4));
        Tensor full = Tensor.of(new double[] {1, 0, 0, 1, 1, 0}, 2, 3);
        require("where [2,3]?[2,3]:[]", v -> ElementwiseOps.where(full, v.get(0), v.get(1)), randn(73, 2, 3),
                randn(74));
        // exact values: the masked-out operand gets zero gradient at those positions
        Var a = Var.param(randn(75, 2, 3)), b = Var.param(randn(76, 2, 3));
        ElementwiseOps.where(full, a, b).sum(false).backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 0, 0, 1, 1, 0);
        assertThat(b.grad().toDoubleArray()).containsExactly(0, 1, 1, 0, 0, 1);
    }

    private static double minGap(Tensor a, Tensor b) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.numel(); i++) m = Math.min(m, Math.abs(a.getFlat(i) - b.getFlat(i)));
        return m;
    }

    @Test
    void float64Only() {
        Tensor f32 = Tensor.zeros(DType.FLOAT32, 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> GradCheck.check(v -> v.get(0).exp(), java.util.List.of(f32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64");
    }
}

package cola4j.autograd;

import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Shape errors raised through the autograd layer: each is an {@link IllegalArgumentException} (index errors an
 * {@link IndexOutOfBoundsException}) whose message names the op and the shapes the caller passed, not those of an
 * internal reshape.
 */
class AutogradShapeErrorsTest {

    private static Var v(int... shape) {
        return Var.param(randn(900, shape));
    }

    @Test
    void matmulNamesTheCallersShapesOnTheLinearLayerPath() {
        // [2, 3, 4] x [5, 6] is flattened to [6, 4] x [5, 6] internally; the message must show the original shapes
        assertThatThrownBy(() -> v(2, 3, 4).matmul(v(5, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3, 4] x [5, 6]: inner dimensions 4 and 5 differ");
        assertThatThrownBy(() -> v(2, 3, 4).matmul(v(6, 5), false, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3, 4] x [6, 5]ᵀ: inner dimensions 4 and 5 differ");
        assertThatThrownBy(() -> v(2, 2, 2, 3, 4).matmul(v(4, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 2, 2, 3, 4] x [4, 6]: operands must have rank 2 to 4");
        assertThatThrownBy(() -> v(2, 3, 4).matmul(Var.param(Tensor.zeros(DType.FLOAT32, 4, 6))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "matmul: dtype mismatch float64 [2, 3, 4] vs float32 [4, 6] (convert explicitly with to())");
        // the batched path and the 2-D path report the same way
        assertThatThrownBy(() -> v(2, 3, 4).matmul(v(2, 5, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [2, 3, 4] x [2, 5, 6]: inner dimensions 4 and 5 differ");
        assertThatThrownBy(() -> v(4, 8).matmul(v(7, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [4, 8] x [7, 3]: inner dimensions 8 and 7 differ");
        // and the valid linear-layer product still has the caller's batch shape
        assertThat(v(2, 3, 4).matmul(v(4, 6)).shape()).containsExactly(2, 3, 6);
        assertThat(v(2, 3, 4).matmul(v(6, 4), false, true).shape()).containsExactly(2, 3, 6);
    }

    @Test
    void permuteRejectsBadAxesWithAnIllegalArgument() {
        assertThatThrownBy(() -> v(2, 3).permute(0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: axis 5 out of range for rank 2");
        assertThatThrownBy(() -> v(2, 3).permute(0, 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: [0, 1, 2] for shape [2, 3]");
        assertThatThrownBy(() -> v(2, 3).permute(1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: [1, 1] is not a permutation");
        assertThatThrownBy(() -> v(2, 3).permute(0, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: axis -3 out of range for rank 2");
    }

    @Test
    void sliceNamesSlice() {
        assertThatThrownBy(() -> v(2, 3).slice(2, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slice: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> v(2, 3).slice(1, 1, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slice: range [1, 4) out of bounds for axis 1 of shape [2, 3]");
    }

    @Test
    void maximumNamesMaximum() {
        assertThatThrownBy(() -> v(2, 3).maximum(v(4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximum: shapes [2, 3] and [4] do not broadcast (dimension 3 vs 4)");
        assertThatThrownBy(() -> v(2, 3).value().maximum(Tensor.zeros(DType.FLOAT32, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maximum: dtype mismatch");
    }

    @Test
    void otherOpsNameOpAndShapes() {
        assertThatThrownBy(() -> v(2, 3).add(v(2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add: shapes [2, 3] and [2, 4] do not broadcast (dimension 3 vs 4)");
        assertThatThrownBy(() -> v(2, 3).transpose(0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transpose: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> v(2, 3).expand(1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expand: [2, 3] cannot be expanded to [1, 3]");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 2, 3).expand(1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expand: [2, 3] cannot be expanded to [1, 3]");
        assertThatThrownBy(() -> v(2, 3).mul(v(3, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mul: shapes [2, 3] and [3, 2] do not broadcast (dimension 2 vs 3)");
        assertThatThrownBy(() -> v(2, 3).reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reshape: cannot reshape [2, 3]").hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> LayoutOps.concat(0, v(2, 3), v(2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concat: shapes [2, 3] and [2, 4] differ outside axis 0");
        assertThatThrownBy(() -> LinalgOps.gatherRows(v(3, 4), new int[] {0, 3}))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("gatherRows: index 3 out of range [0, 3)");
        assertThatThrownBy(() -> v(2, 3).sum(false, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> v(2, 3).mean(false, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mean: axis -3 out of range for rank 2");
        assertThatThrownBy(() -> v(2, 3).expand(3, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expand: ").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 3]");
    }
}

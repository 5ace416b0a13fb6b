package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks (float64) of the reductions and the layout ops. */
class ReduceLayoutOpsGradTest {

    @Test
    void sumOverAxes() {
        Tensor x = randn(101, 2, 3, 4);
        require("sum all", v -> v.get(0).sum(false), x);
        require("sum axis 1", v -> v.get(0).sum(false, 1), x);
        require("sum axis 1 keep", v -> v.get(0).sum(true, 1), x);
        require("sum axes 0,2", v -> v.get(0).sum(false, 0, 2), x);
        require("sum axes 0,2 keep", v -> v.get(0).sum(true, 0, 2), x);
        require("sum axis -1", v -> v.get(0).sum(false, -1), x);
        require("sum axes -1,-3 keep", v -> v.get(0).sum(true, -1, -3), x);
    }

    @Test
    void meanOverAxes() {
        Tensor x = randn(102, 2, 3, 4);
        require("mean all", v -> v.get(0).mean(false), x);
        require("mean all keep", v -> v.get(0).mean(true), x);
        require("mean axis 0", v -> v.get(0).mean(false, 0), x);
        require("mean axes 1,2 keep", v -> v.get(0).mean(true, 1, 2), x);
        require("mean axis -2", v -> v.get(0).mean(false, -2), x);
        require("mean axes -1,0", v -> v.get(0).mean(false, -1, 0), x);
    }

    @Test
    void meanGradientIsExactlyOneOverTheReducedCount() {
        for (DType dt : DType.values()) {
            Tensor x = randn(104, 2, 3, 4).to(dt);
            for (int[] axes : new int[][] {{}, {0}, {1, 2}, {-1}, {-1, 0}, {0, 1, 2}}) {
                Var v = Var.param(x);
                v.mean(false, axes).sum(false).backward();
                // the count as numel / numel of the reduced tensor, independent of ReduceOps' shape arithmetic
                double expected = dt == DType.FLOAT64 ? 1.0 / (x.numel() / x.sum(true, axes).numel())
                        : (float) (1.0 / (x.numel() / x.sum(true, axes).numel()));
                Tensor want = Tensor.full(dt, expected, x.shape());
                assertThat(v.grad().bitEquals(want)).as(dt + " mean over " + java.util.Arrays.toString(axes)).isTrue();
            }
        }
        Var empty = Var.param(Tensor.zeros(DType.FLOAT64, 0, 3));
        empty.mean(false, 1).sum(false).backward();
        assertThat(empty.grad().shape()).containsExactly(0, 3);
    }

    @Test
    void maxWithUniqueMaxima() {
        Tensor x = randn(103, 2, 3, 4); // continuous draws: maxima unique, gaps far above h
        require("max all", v -> v.get(0).max(false), x);
        require("max axis 2", v -> v.get(0).max(false, 2), x);
        require("max axis 0 keep", v -> v.get(0).max(true, 0), x);
        require("max axes 0,1", v -> v.get(0).max(false, 0, 1), x);
        require("max axis -1 keep", v -> v.get(0).max(true, -1), x);
    }

    @Test
    void maxSplitsTiesEvenly() {
        Var x = Var.param(Tensor.of(new double[] {3, 1, 3, 3, 2, 0}, 2, 3));
        x.max(false, 1).sum(false).backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0.5, 0, 0.5, 1, 0, 0);
    }

    @Test
    void reshapePermuteTranspose() {
        Tensor x = randn(111, 2, 3, 4);
        require("reshape [6,4]", v -> v.get(0).reshape(6, 4), x);
        require("reshape [4,-1]", v -> v.get(0).reshape(4, -1), x);
        require("permute 2,0,1", v -> v.get(0).permute(2, 0, 1), x);
        require("permute 1,2,0", v -> v.get(0).permute(1, 2, 0), x);
        require("transpose 0,2", v -> v.get(0).transpose(0, 2), x);
        require("transpose -1,-2", v -> v.get(0).transpose(-1, -2), x);
        require("permute 4-D", v -> v.get(0).permute(0, 2, 1, 3), randn(112, 2, 3, 2, 2));
    }

    @Test
    void expand() {
        require("expand [3,1]->[2,3,4]", v -> v.get(0).expand(2, 3, 4), randn(121, 3, 1));
        require("expand [4]->[3,4]", v -> v.get(0).expand(3, 4), randn(122, 4));
        require("expand []->[2,2]", v -> v.get(0).expand(2, 2), randn(123));
    }

    @Test
    void sliceAndConcat() {
        Tensor x = randn(131, 3, 5, 2);
        require("slice axis 1 [1,4)", v -> v.get(0).slice(1, 1, 4), x);
        require("slice axis 0 [0,1)", v -> v.get(0).slice(0, 0, 1), x);
        require("slice axis 2 [1,2)", v -> v.get(0).slice(2, 1, 2), x);
        require("concat axis 1", v -> LayoutOps.concat(1, v.get(0), v.get(1), v.get(2)), randn(132, 2, 1, 3),
                randn(133, 2, 4, 3), randn(134, 2, 2, 3));
        require("concat axis 0", v -> LayoutOps.concat(0, v.get(0), v.get(1)), randn(135, 2, 3), randn(136, 1, 3));
        require("concat with itself", v -> LayoutOps.concat(1, v.get(0), v.get(0)), randn(137, 2, 3));
    }
}

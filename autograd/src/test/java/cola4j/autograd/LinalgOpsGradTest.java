package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks (float64) of matmul (all transpose flags, batch broadcasting, fast path) and gatherRows. */
class LinalgOpsGradTest {

    @Test
    void matmul2dAllTransposeCombos() {
        // op(A) [3,4], op(B) [4,5]
        require("matmul NN", v -> v.get(0).matmul(v.get(1), false, false), randn(201, 3, 4), randn(202, 4, 5));
        require("matmul TN", v -> v.get(0).matmul(v.get(1), true, false), randn(203, 4, 3), randn(204, 4, 5));
        require("matmul NT", v -> v.get(0).matmul(v.get(1), false, true), randn(205, 3, 4), randn(206, 5, 4));
        require("matmul TT", v -> v.get(0).matmul(v.get(1), true, true), randn(207, 4, 3), randn(208, 5, 4));
    }

    @Test
    void matmulLargeEnoughForBlas() {
        // m·n·k = 20·18·16 = 5760 > MatMul.TINY: the OpenBLAS path
        require("matmul NN blas", v -> v.get(0).matmul(v.get(1)), randn(209, 20, 16), randn(210, 16, 18));
        require("matmul TT blas", v -> v.get(0).matmul(v.get(1), true, true), randn(211, 16, 20), randn(212, 18, 16));
    }

    @Test
    void matmulBatchBroadcasting() {
        require("matmul [2,3,4]x[2,4,5]", v -> v.get(0).matmul(v.get(1)), randn(221, 2, 3, 4), randn(222, 2, 4, 5));
        require("matmul [2,1,3,4]x[3,4,2]", v -> v.get(0).matmul(v.get(1)), randn(223, 2, 1, 3, 4),
                randn(224, 3, 4, 2));
        require("matmul [1,3,4]x[2,4,5] TN", v -> v.get(0).matmul(v.get(1), true, false), randn(225, 1, 4, 3),
                randn(226, 2, 4, 5));
        require("matmul [2,2,3,4]x[2,1,5,4] NT", v -> v.get(0).matmul(v.get(1), false, true), randn(227, 2, 2, 3, 4),
                randn(228, 2, 1, 5, 4));
        require("matmul [2,4,3]x[2,5,4] TT", v -> v.get(0).matmul(v.get(1), true, true), randn(229, 2, 4, 3),
                randn(230, 2, 5, 4));
        require("matmul [3,4]x[2,4,5] (2-D A)", v -> v.get(0).matmul(v.get(1)), randn(231, 3, 4), randn(232, 2, 4, 5));
    }

    @Test
    void matmulWeightFastPath() {
        // A rank > 2 with a 2-D B (linear layer): one GEMM over flattened rows
        require("matmul [2,3,4]x[4,5] fast", v -> v.get(0).matmul(v.get(1)), randn(241, 2, 3, 4), randn(242, 4, 5));
        require("matmul [2,3,4]x[5,4]ᵀ fast", v -> v.get(0).matmul(v.get(1), false, true), randn(243, 2, 3, 4),
                randn(244, 5, 4));
        require("matmul [2,2,3,4]x[4,5] fast", v -> v.get(0).matmul(v.get(1)), randn(245, 2, 2, 3, 4),
                randn(246, 4, 5));
        require("matmul [2,4,3]ᵀx[4,5] (no fast path)", v -> v.get(0).matmul(v.get(1), true, false),
                randn(247, 2, 4, 3), randn(248, 4, 5));
    }

    @Test
    void gatherRowsWithRepeatedIndices() {
        int[] idx = {2, 0, 2, 3, 2};
        require("gatherRows repeated", v -> LinalgOps.gatherRows(v.get(0), idx), randn(251, 4, 3));
        Var table = Var.param(randn(252, 4, 3));
        LinalgOps.gatherRows(table, idx).sum(false).backward();
        // row 2 is gathered three times, row 1 never
        assertThat(table.grad().toDoubleArray()).containsExactly(1, 1, 1, 0, 0, 0, 3, 3, 3, 1, 1, 1);
    }

    @Test
    void matmulSharedOperandAccumulates() {
        // x·xᵀ: both operands are the same node
        require("matmul x·xᵀ", v -> v.get(0).matmul(v.get(0), false, true), randn(261, 3, 4));
        Tensor t = randn(262, 3, 3);
        require("matmul x·x", v -> v.get(0).matmul(v.get(0)), t);
    }
}

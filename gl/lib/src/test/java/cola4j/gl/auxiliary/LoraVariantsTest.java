package cola4j.gl.auxiliary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradCheck;
import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rsLoRA, PiSSA (with its SVD) and DoRA in float64: values against the formulas, gradients by finite differences. */
class LoraVariantsTest {
    static final DType F64 = DType.FLOAT64;
    static final LowRankConfig CFG = new LowRankConfig(2, 6.0, F64, 11);

    /** y = s · X Aᵀ Bᵀ by plain loops. */
    static double[][] lowRank(double[][] x, Tensor a, Tensor b, double s) {
        int r = a.shape()[0], in = a.shape()[1], out = b.shape()[0];
        double[][] y = new double[x.length][out];
        for (int n = 0; n < x.length; n++) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int k = 0; k < r; k++) {
                    double ax = 0;
                    for (int j = 0; j < in; j++) ax += a.get(k, j) * x[n][j];
                    acc += b.get(o, k) * ax;
                }
                y[n][o] = s * acc;
            }
        }
        return y;
    }

    static double[][] rows(Tensor x) {
        double[][] r = new double[x.shape()[0]][x.shape()[1]];
        for (int i = 0; i < r.length; i++) for (int j = 0; j < r[0].length; j++) r[i][j] = x.get(i, j);
        return r;
    }

    static void randomize(AuxiliaryModel aux, long seed) {
        Rng r = new Rng(seed);
        aux.namedParameters().values().forEach(p -> p.setValue(r.normal(F64, 0, 0.5, p.value().shape())));
    }

    @Test
    void rsLoraScalesByAlphaOverRootRankAndItsGradientsMatchFiniteDifferences() {
        LowRankAux rs = RsLora.create(4, 3, CFG);
        assertThat(rs.scale()).isEqualTo(6.0 / Math.sqrt(2));
        assertThat(new LowRankAux(4, 3, CFG).scale()).isEqualTo(3.0);
        assertThat(rs.namedParameters().get("lora_A.weight").value().maxAbsDiff(
                new LowRankAux(4, 3, CFG).namedParameters().get("lora_A.weight").value())).isZero();
        randomize(rs, 5);
        Tensor x = new Rng(2).normal(F64, 0, 1, 5, 4);
        double[][] want = lowRank(rows(x), rs.namedParameters().get("lora_A.weight").value(),
                rs.namedParameters().get("lora_B.weight").value(), 6.0 / Math.sqrt(2));
        Tensor y = rs.apply(Var.constant(x)).value();
        for (int n = 0; n < 5; n++) for (int o = 0; o < 3; o++) assertThat(y.get(n, o)).isCloseTo(want[n][o],
                org.assertj.core.data.Offset.offset(1e-13));
        assertThat(rs.deltaWeight().maxAbsDiff(rs.namedParameters().get("lora_B.weight").value()
                .matmul(rs.namedParameters().get("lora_A.weight").value()).mul(6.0 / Math.sqrt(2)))).isZero();
        Tensor proj = new Rng(3).normal(F64, 0, 1, 5, 3);
        GradCheck.checkParams(() -> rs.apply(Var.constant(x)).mul(Var.constant(proj)).sum(false),
                rs.namedParameters(), Integer.MAX_VALUE, 1, GradCheck.Config.DEFAULT).require("rsLoRA", GradCheck.TOL);
    }

    @Test
    void svdReconstructsWithOrthonormalFactorsForTallAndWideMatrices() {
        for (int[] shape : new int[][] {{5, 3}, {3, 5}, {4, 4}}) {
            Tensor m = new Rng(shape[0] * 10L + shape[1]).normal(F64, 0, 1, shape);
            Svd s = Svd.of(m);
            int k = Math.min(shape[0], shape[1]);
            assertThat(s.sigma()).hasSize(k);
            for (int c = 1; c < k; c++) assertThat(s.sigma()[c]).isLessThanOrEqualTo(s.sigma()[c - 1]);
            for (int i = 0; i < shape[0]; i++) {
                for (int j = 0; j < shape[1]; j++) {
                    double acc = 0;
                    for (int c = 0; c < k; c++) acc += s.u()[i][c] * s.sigma()[c] * s.v()[j][c];
                    assertThat(Math.abs(acc - m.get(i, j))).isLessThan(1e-13);
                }
            }
            for (int c = 0; c < k; c++) {
                for (int d = 0; d < k; d++) {
                    double uu = 0, vv = 0;
                    for (int i = 0; i < shape[0]; i++) uu += s.u()[i][c] * s.u()[i][d];
                    for (int j = 0; j < shape[1]; j++) vv += s.v()[j][c] * s.v()[j][d];
                    assertThat(Math.abs(uu - (c == d ? 1 : 0))).isLessThan(1e-13);
                    assertThat(Math.abs(vv - (c == d ? 1 : 0))).isLessThan(1e-13);
                }
            }
        }
        // a known spectrum: diag(1, 3, 2) has singular values 3, 2, 1
        Svd d = Svd.of(Tensor.of(new double[] {1, 0, 0, 0, 3, 0, 0, 0, 2}, 3, 3));
        assertThat(d.sigma()).containsExactly(3.0, 2.0, 1.0);
    }

    @Test
    void pissaMovesThePrincipalSubspaceIntoTheAdapterAndKeepsTheResidual() {
        Tensor w0 = new Rng(4).normal(F64, 0, 1, 5, 4);
        Pissa p = Pissa.init(w0, CFG);
        double s = CFG.scale();
        Svd svd = Svd.of(w0);
        Tensor a = p.aux().namedParameters().get("lora_A.weight").value();
        Tensor b = p.aux().namedParameters().get("lora_B.weight").value();
        assertThat(p.residual().add(p.aux().deltaWeight()).maxAbsDiff(w0)).isLessThan(1e-13);
        // Eckart–Young: ‖W_res‖_F² = σ_3² + σ_4²; A Aᵀ = BᵀB = diag(σ_r / s)
        double res2 = p.residual().mul(p.residual()).sum(false).item();
        double tail = svd.sigma()[2] * svd.sigma()[2] + svd.sigma()[3] * svd.sigma()[3];
        assertThat(Math.abs(res2 - tail) / tail).isLessThan(1e-12);
        Tensor aat = a.matmul(a, false, true), btb = b.matmul(b, true, false);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double want = i == j ? svd.sigma()[i] / s : 0;
                assertThat(Math.abs(aat.get(i, j) - want)).isLessThan(1e-13);
                assertThat(Math.abs(btb.get(i, j) - want)).isLessThan(1e-13);
            }
        }
        // with the rsLoRA scale the product s·B·A is the same rank-2 approximation
        Pissa rs = Pissa.init(w0, CFG, RsLora.scale(CFG));
        assertThat(rs.residual().maxAbsDiff(p.residual())).isLessThan(1e-13);
        // full rank: nothing stays in the base
        Pissa full = Pissa.init(w0, new LowRankConfig(4, 6.0, F64, 1));
        assertThat(full.residual().maxAbs()).isLessThan(1e-13);
        assertThatThrownBy(() -> Pissa.init(w0, new LowRankConfig(5, 6.0, F64, 1)))
                .hasMessageContaining("rank 5 exceeds min(out, in) = 4");
    }

    @Test
    void doraStartsAtTheBaseAndMatchesTheWeightFormula() {
        Tensor w0 = new Rng(6).normal(F64, 0, 1, 3, 4);
        DoraAux d = new DoraAux(w0, CFG);
        Tensor x = new Rng(7).normal(F64, 0, 1, 5, 4);
        assertThat(d.apply(Var.constant(x)).value().maxAbs()).as("g = 0 at init").isZero();
        assertThat(d.namedParameters().keySet())
                .containsExactly("lora_A.weight", "lora_B.weight", "lora_magnitude_vector");
        randomize(d, 8);
        Map<String, Var> p = d.namedParameters();
        Tensor wPrime = weightByLoops(w0, p.get("lora_A.weight").value(), p.get("lora_B.weight").value(),
                p.get("lora_magnitude_vector").value(), CFG.scale());
        assertThat(d.deltaWeight().maxAbsDiff(wPrime.sub(w0))).isLessThan(1e-13);
        Tensor y = d.apply(Var.constant(x)).value();
        assertThat(y.maxAbsDiff(x.matmul(wPrime.sub(w0), false, true))).isLessThan(1e-12);
        assertThat(d.applyFrozen(Var.constant(x)).value().maxAbsDiff(y)).isZero();
        assertThatThrownBy(() -> new DoraAux(Tensor.zeros(F64, 2, 3), CFG)).hasMessageContaining("row 0 of W0");
    }

    /** W' = diag(m / ‖V_i‖) V with V = W0 + s·B·A, by loops. */
    static Tensor weightByLoops(Tensor w0, Tensor a, Tensor b, Tensor m, double s) {
        int out = w0.shape()[0], in = w0.shape()[1], r = a.shape()[0];
        double[] v = new double[out * in];
        for (int i = 0; i < out; i++) {
            double norm = 0;
            for (int j = 0; j < in; j++) {
                double ba = 0;
                for (int k = 0; k < r; k++) ba += b.get(i, k) * a.get(k, j);
                v[i * in + j] = w0.get(i, j) + s * ba;
                norm += v[i * in + j] * v[i * in + j];
            }
            for (int j = 0; j < in; j++) v[i * in + j] *= m.getFlat(i) / Math.sqrt(norm);
        }
        return Tensor.of(v, out, in);
    }

    @Test
    void doraGradientsMatchFiniteDifferencesWithAndWithoutTheDetachedNorm() {
        Tensor w0 = new Rng(9).normal(F64, 0, 1, 3, 4);
        Tensor x = new Rng(10).normal(F64, 0, 1, 5, 4), proj = new Rng(12).normal(F64, 0, 1, 5, 3);
        DoraAux full = new DoraAux(w0, CFG, CFG.scale(), false);
        randomize(full, 13);
        GradCheck.checkParams(() -> full.apply(Var.constant(x)).mul(Var.constant(proj)).sum(false),
                full.namedParameters(), Integer.MAX_VALUE, 1, GradCheck.Config.DEFAULT)
                .require("DoRA, full gradient", GradCheck.TOL);

        // PEFT's detached norm: the gradient of g with n frozen at its current value, here written in weight form
        DoraAux peft = new DoraAux(w0, CFG);
        randomize(peft, 13);
        Map<String, Var> p = peft.namedParameters();
        Tensor n = DoraAux.rowNorms(peft.direction()).reshape(3, 1);
        peft.apply(Var.constant(x)).mul(Var.constant(proj)).sum(false).backward();
        Map<String, Tensor> analytic = new java.util.HashMap<>();
        p.forEach((k, v) -> analytic.put(k, v.grad()));
        java.util.function.Supplier<Var> frozen = () -> {
            Var v = Var.constant(w0).add(Var.constant(p.get("lora_B.weight").value())
                    .matmul(Var.constant(p.get("lora_A.weight").value())).mul(CFG.scale()));
            Var wPrime = v.mul(Var.constant(p.get("lora_magnitude_vector").value().reshape(3, 1)))
                    .div(Var.constant(n));
            return Var.constant(x).matmul(wPrime.sub(Var.constant(w0)), false, true)
                    .mul(Var.constant(proj)).sum(false);
        };
        GradCheck.checkParams(frozen, p, analytic, Integer.MAX_VALUE, 1, GradCheck.Config.DEFAULT)
                .require("DoRA, detached norm", GradCheck.TOL);
        // and the two gradients differ: the detach is not a no-op
        assertThat(analytic.get("lora_A.weight").maxAbsDiff(gradOf(full, x, proj, "lora_A.weight")))
                .isGreaterThan(1e-6);
    }

    static Tensor gradOf(AuxiliaryModel aux, Tensor x, Tensor proj, String name) {
        aux.namedParameters().values().forEach(Var::zeroGrad);
        aux.apply(Var.constant(x)).mul(Var.constant(proj)).sum(false).backward();
        return aux.namedParameters().get(name).grad();
    }

    @Test
    void variantsAreSpelledInLowerCase() {
        assertThat(LoraVariant.names()).containsExactly("lora", "rslora", "pissa", "dora");
        assertThatThrownBy(() -> LoraVariant.parse("vera")).hasMessageContaining("[lora, rslora, pissa, dora]");
    }
}

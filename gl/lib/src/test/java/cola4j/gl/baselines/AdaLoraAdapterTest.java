package cola4j.gl.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradCheck;
import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AdaLoraAdapter} in float64: g(x) = s·x(A⊙E)ᵀBᵀ with s = α/(r + 1e-5) against an explicit triple loop,
 * ΔW against g, the gradients of g and of the orthogonality regulariser against central finite differences, the
 * regulariser's gradient against its closed form 2(AAᵀ−I)A/‖AAᵀ−I‖_F and 2B(BᵀB−I)/‖BᵀB−I‖_F,
 * PEFT's initialisation (E = 0, so g = 0) and the triplet mask.
 */
class AdaLoraAdapterTest {
    static final DType F64 = DType.FLOAT64;
    static final int IN = 5, OUT = 4, R = 3;

    /** Random A, E, B (E nonzero, so every gradient is nontrivial). */
    static AdaLoraAdapter random(long seed) {
        Rng r = new Rng(seed);
        return new AdaLoraAdapter(IN, OUT, R, 6.0, r.normal(F64, 0, 0.5, R, IN), r.normal(F64, 0, 1, R, 1),
                r.normal(F64, 0, 0.5, OUT, R));
    }

    @Test
    void outputIsTheScaledSvdProductOfAnExplicitLoop() {
        AdaLoraAdapter ad = random(1);
        Tensor x = new Rng(2).normal(F64, 0, 1, 2, 3, IN);
        Tensor y = ad.apply(Var.constant(x)).value();
        assertThat(y.shape()).containsExactly(2, 3, OUT);
        double s = 6.0 / (R + 1e-5);
        assertThat(ad.scale()).isEqualTo(s);
        Tensor a = ad.namedParameters().get("lora_A").value(), e = ad.namedParameters().get("lora_E").value();
        Tensor b = ad.namedParameters().get("lora_B").value();
        double worst = 0;
        for (int row = 0; row < 6; row++) {
            for (int k = 0; k < OUT; k++) {
                double v = 0;
                for (int i = 0; i < R; i++) {
                    double z = 0;
                    for (int j = 0; j < IN; j++) z += a.get(i, j) * x.getFlat(row * IN + j);
                    v += b.get(k, i) * e.get(i, 0) * z;
                }
                worst = Math.max(worst, Math.abs(s * v - y.getFlat(row * OUT + k)) / (Math.abs(s * v) + 1e-300));
            }
        }
        assertThat(worst).isLessThan(1e-12);
        // g(x) = x ΔWᵀ
        Tensor viaDelta = x.reshape(6, IN).matmul(ad.deltaWeight().transpose(0, 1)).reshape(2, 3, OUT);
        assertThat(viaDelta.maxAbsDiff(y)).isLessThan(1e-13 * y.maxAbs());
    }

    @Test
    void gradientsOfOutputAndRegulariserMatchCentralDifferences() {
        AdaLoraAdapter ad = random(3);
        Tensor x = new Rng(4).normal(F64, 0, 1, 7, IN);
        Tensor w = GradCheck.projection(Tensor.zeros(F64, 7, OUT), 5);
        GradCheck.Result r = GradCheck.checkParams(
                () -> ad.apply(Var.constant(x)).mul(Var.constant(w)).sum(false).add(ad.orthogonality().mul(0.7)),
                ad.namedParameters(), Integer.MAX_VALUE, 0, GradCheck.Config.DEFAULT)
                .require("AdaLoRA g(x) + 0.7 R vs central differences", 1e-8);
        System.out.printf("AdaLoRA adapter gradients vs central differences: %s%n", r);
        // and the input gradient
        GradCheck.require("AdaLoRA dg/dx", in -> ad.apply(in.get(0)), x);
    }

    @Test
    void regulariserValueAndGradientHaveTheirClosedForm() {
        AdaLoraAdapter ad = random(6);
        Tensor a = ad.namedParameters().get("lora_A").value(), b = ad.namedParameters().get("lora_B").value();
        Tensor eye = AdaLoraAdapter.eye(F64, R);
        Tensor ma = a.matmul(a.transpose(0, 1)).sub(eye), mb = b.transpose(0, 1).matmul(b).sub(eye);
        double na = ma.norm(), nb = mb.norm();
        ad.namedParameters().values().forEach(Var::zeroGrad);
        Var reg = ad.orthogonality();
        assertThat(Math.abs(reg.value().item() - (na + nb))).isLessThan(1e-14 * (na + nb));
        reg.backward();
        Tensor da = ma.matmul(a).mul(2 / na), db = b.matmul(mb).mul(2 / nb);
        assertThat(ad.namedParameters().get("lora_A").grad().maxAbsDiff(da)).isLessThan(1e-13 * da.maxAbs());
        assertThat(ad.namedParameters().get("lora_B").grad().maxAbsDiff(db)).isLessThan(1e-13 * db.maxAbs());
        assertThat(ad.namedParameters().get("lora_E").grad()).isNull();
    }

    @Test
    void initialisationIsPeftsAndOutputsZero() {
        AdaLoraAdapter ad = AdaLoraAdapter.initial(IN, OUT, R, 8, F64, 9);
        assertThat(ad.namedParameters().keySet()).containsExactly("lora_A", "lora_E", "lora_B");
        assertThat(ad.namedParameters().get("lora_E").value().bitEquals(Tensor.zeros(F64, R, 1))).isTrue();
        Tensor a = ad.namedParameters().get("lora_A").value();
        assertThat(a.shape()).containsExactly(R, IN);
        assertThat(ad.namedParameters().get("lora_B").value().shape()).containsExactly(OUT, R);
        Rng rng = new Rng(9);
        assertThat(a.bitEquals(rng.normal(F64, 0, 0.02, R, IN))).isTrue();
        assertThat(ad.namedParameters().get("lora_B").value().bitEquals(rng.normal(F64, 0, 0.02, OUT, R))).isTrue();
        Tensor y = ad.apply(Var.constant(new Rng(1).normal(F64, 0, 1, 2, IN))).value();
        assertThat(y.maxAbs()).isZero();
        assertThat(AdaLoraAdapter.initial(IN, OUT, R, 8, F64, 9).deltaWeight()
                .bitEquals(ad.deltaWeight())).isTrue();
    }

    @Test
    void maskZeroesOnlyTheDroppedSingularValues() {
        AdaLoraAdapter ad = random(7);
        Tensor e0 = ad.namedParameters().get("lora_E").value().copy();
        Tensor a0 = ad.namedParameters().get("lora_A").value().copy();
        ad.maskTriplets(new boolean[] {true, false, true});
        Tensor e = ad.namedParameters().get("lora_E").value();
        assertThat(List.of(e.getFlat(0), e.getFlat(1), e.getFlat(2)))
                .containsExactly(e0.getFlat(0), 0.0, e0.getFlat(2));
        assertThat(ad.namedParameters().get("lora_A").value().bitEquals(a0)).isTrue();
        assertThatThrownBy(() -> ad.maskTriplets(new boolean[2])).hasMessageContaining("mask of 2 entries");
        assertThatThrownBy(() -> new AdaLoraAdapter(IN, OUT, R, 1, Tensor.zeros(F64, R, IN), Tensor.zeros(F64, R),
                Tensor.zeros(F64, OUT, R))).hasMessageContaining("lora_E must be [3, 1]");
    }
}

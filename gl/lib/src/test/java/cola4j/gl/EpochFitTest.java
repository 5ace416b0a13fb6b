package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-pass fit (EpochFit) against a closed form, in float64: for a linear auxiliary g(x) = x Wᵀ + b and plain
 * SGD (lr η), every optimizer step of E passes in chunks of F rows is
 *
 * <pre>
 *   r = x_c Wᵀ + b − T_c,  W ← W − η rᵀ x_c,  b ← b − η Σ_rows r  T = x W₀ᵀ + b₀ − dL/dh fixed
 * </pre>
 *
 * computed here with plain tensor products, independently of autograd and of the surrogate.
 */
class EpochFitTest {
    static final DType F64 = DType.FLOAT64;
    static final int IN = 4, OUT = 3, ROWS = 7;

    @Test
    void passesAndChunksFollowTheClosedForm() {
        for (int[] ef : new int[][] {{1, 0}, {3, 0}, {2, 3}, {1, 2}}) {
            int epochs = ef[0], fitBatch = ef[1];
            Rng rng = new Rng(5);
            Tensor x1 = rng.normal(F64, 0, 1, ROWS, IN), g1 = rng.normal(F64, 0, 0.3, ROWS, OUT);
            Tensor x2 = rng.normal(F64, 0, 1, ROWS, IN), g2 = rng.normal(F64, 0, 0.3, ROWS, OUT);
            AuxiliaryModel aux = AuxiliaryFactory.create(AuxiliaryKind.LINEAR, IN, OUT,
                    new AuxSpec(2, 2.0, 4, 1, Activation.RELU, true, F64, 3));
            for (Var p : aux.namedParameters().values()) p.setValue(rng.normal(F64, 0, 0.5, p.shape()));
            Tensor w = aux.namedParameters().get("weight").value(), b = aux.namedParameters().get("bias").value();
            LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
            m.put("s", aux);
            double lr = 0.05;
            UserFit user = new UserFit(0, m, new Sgd(UserFit.parameters(m), SgdConfig.plain(lr)),
                    UserFitConfig.noClip(2).withEpochs(epochs, fitBatch), null);
            user.offer(List.of(new AdaptationData("s", x1, g1)));
            FitStep step = user.offer(List.of(new AdaptationData("s", x2, g2))).orElseThrow();

            // closed form on the concatenated buffer
            Tensor x = Tensor.concat(0, x1, x2), gh = Tensor.concat(0, g1, g2);
            Tensor t = x.matmul(w, false, true).add(b).sub(gh);                          // fixed targets [rows, out]
            int rows = 2 * ROWS, f = fitBatch == 0 ? rows : fitBatch, chunks = (rows + f - 1) / f;
            for (int e = 0; e < epochs; e++) {
                for (int j = 0; j < chunks; j++) {
                    int lo = j * f, hi = Math.min(rows, lo + f);
                    Tensor xc = x.slice(0, lo, hi), r = xc.matmul(w, false, true).add(b).sub(t.slice(0, lo, hi));
                    w = w.sub(r.matmul(xc, true, false).mul(lr));
                    b = b.sub(r.sum(false, 0).mul(lr));
                }
            }
            double rel = Math.max(aux.namedParameters().get("weight").value().maxAbsDiff(w) / w.maxAbs(),
                    aux.namedParameters().get("bias").value().maxAbsDiff(b) / b.maxAbs());
            assertThat(rel).as("E=" + epochs + " F=" + fitBatch).isLessThan(1e-13);
            assertThat(user.optimizer().stepCount()).isEqualTo((long) epochs * chunks);
            assertThat(step.step()).isZero();                                 // the record of the first step
            assertThat(step.rows()).isEqualTo(rows);
            assertThat(step.surrogateLoss()).isCloseTo(0.5 * gh.mul(gh).sumAll(), org.assertj.core.data.Offset
                    .offset(1e-12));
        }
    }
}

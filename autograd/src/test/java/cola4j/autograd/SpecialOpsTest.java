package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * erf against glibc's {@code math.erf} and erf GELU against PyTorch's {@code gelu} (float64 values printed by
 * Python 3 / torch 1.13 on this machine), plus finite-difference checks of both.
 */
class SpecialOpsTest {
    static final double[] X = {-7.0, -4.2, -3.0, -2.5, -2.4999, -1.3, -0.5, -0.001, 0.0, 1e-08, 0.3, 1.0, 2.0, 2.5,
        2.6, 3.5, 5.0, 6.4, 6.6};
    static final double[] ERF = {-1.0, -0.9999999971445058, -0.9999779095030014, -0.999593047982555,
        -0.9995928300996666, -0.9340079449406524, -0.5204998778130465, -0.0011283787909692365, 0.0,
        1.1283791670955126e-08, 0.3286267594591274, 0.8427007929497149, 0.9953222650189527, 0.999593047982555,
        0.9997639655834707, 0.9999992569016276, 0.9999999999984626, 1.0, 1.0};
    static final double[] GELU = {-8.958667141456544e-12, -5.605214586679175e-05, -0.00404969409489031,
        -0.015524163314440398, -0.015527924795524003, -0.1258406299612934, -0.15426876936299344,
        -0.000499601057786089, 0.0, 5.000000039894228e-09, 0.1853734266566858, 0.841344746068543,
        1.9544997361036416, 2.4844758366855597, 2.587880911138331, 3.4991857982233756, 4.999998566742141,
        6.399999999502794, 6.599999999864318};

    @Test
    void erfMatchesGlibcWithin8Ulp() {
        for (int i = 0; i < X.length; i++) {
            assertThat(SpecialOps.erf(X[i])).as("erf(%s)", X[i])
                    .isCloseTo(ERF[i], within(8 * Math.ulp(ERF[i]) + 1e-300));
        }
        assertThat(SpecialOps.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(SpecialOps.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
        assertThat(SpecialOps.erf(Double.NaN)).isNaN();
    }

    @Test
    void geluErfMatchesTorch() {
        Tensor y = Activations.geluErf(Var.constant(Tensor.of(X, X.length))).value();
        for (int i = 0; i < X.length; i++) {
            // 1 + erf(x/√2) cancels for very negative x in both implementations: absolute floor 1e-15·|x|
            assertThat(y.getFlat(i)).as("gelu(%s)", X[i])
                    .isCloseTo(GELU[i], within(1e-14 * Math.abs(GELU[i]) + 1e-15 * Math.abs(X[i])));
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        require("erf", v -> SpecialOps.erf(v.get(0)), randn(311, 3, 4).mul(1.5));
        require("erf beyond 2", v -> SpecialOps.erf(v.get(0)), randn(312, 2, 3).mul(0.2).add(2.6));
        require("geluErf", v -> Activations.geluErf(v.get(0)), randn(313, 3, 4).mul(2.0));
    }
}

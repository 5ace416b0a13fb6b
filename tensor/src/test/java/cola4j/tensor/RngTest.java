package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Determinism of the explicit seeded generator, and the ranges/moments of its draws. */
class RngTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void sameSeedSameNumbers(DType dt) {
        Rng a = new Rng(123), b = new Rng(123);
        assertThat(a.uniform(dt, -1, 1, 4, 5).bitEquals(b.uniform(dt, -1, 1, 4, 5))).isTrue();
        assertThat(a.normal(dt, 0, 1, 7).bitEquals(b.normal(dt, 0, 1, 7))).isTrue();
        assertThat(a.kaimingUniform(dt, 9, 3, 9).bitEquals(b.kaimingUniform(dt, 9, 3, 9))).isTrue();
        assertThat(a.permutation(50)).containsExactly(b.permutation(50));
        assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
        assertThat(a.nextInt(1000)).isEqualTo(b.nextInt(1000));
        assertThat(a.nextGaussian()).isEqualTo(b.nextGaussian());
        Rng sa = a.split(), sb = b.split();
        assertThat(sa.seed()).isEqualTo(sb.seed());
        assertThat(sa.normal(dt, 0, 1, 10).bitEquals(sb.normal(dt, 0, 1, 10))).isTrue();
        assertThat(a.seed()).isEqualTo(123);
    }

    @Test
    void differentSeedsDiffer() {
        Tensor x = new Rng(1).normal(DType.FLOAT64, 0, 1, 100), y = new Rng(2).normal(DType.FLOAT64, 0, 1, 100);
        int same = 0;
        for (int i = 0; i < 100; i++) if (x.getFlat(i) == y.getFlat(i)) same++;
        assertThat(same).isZero();
        assertThat(new Rng(1).permutation(30)).isNotEqualTo(new Rng(2).permutation(30));
        // a split stream differs from its parent's continuation
        Rng p = new Rng(5);
        Rng c = p.split();
        assertThat(c.nextDouble()).isNotEqualTo(p.nextDouble());
    }

    /**
     * U(lo, hi): draws stay in [lo, hi), reach both ends (20000 draws leave a gap of more than 0.1% of the width at
     * one end with probability e^-20), mean (lo+hi)/2 and variance (hi-lo)²/12 (sd of the sample variance ≈ 0.034).
     */
    @Test
    void uniformFillsItsRangeWithTheRightMoments() {
        double lo = -3, hi = 5, w = hi - lo;
        Tensor u = new Rng(11).uniform(DType.FLOAT64, lo, hi, 20000);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < u.numel(); i++) {
            min = Math.min(min, u.getFlat(i));
            max = Math.max(max, u.getFlat(i));
        }
        assertThat(min).isGreaterThanOrEqualTo(lo).isLessThan(lo + 1e-3 * w);
        assertThat(max).isLessThan(hi).isGreaterThan(hi - 1e-3 * w);
        double mean = u.sumAll() / 20000, var = u.add(-mean).pow(2).sumAll() / 19999;
        assertThat(mean).isCloseTo(1.0, offset(0.1)); // sd of the mean ≈ 0.016
        assertThat(var).isCloseTo(w * w / 12, offset(0.2));
    }

    /** N(mean, std²) in float32 as well: sample mean within 0.15 (sd 0.021) and variance within 6% of std². */
    @ParameterizedTest
    @EnumSource(DType.class)
    void normalHasTheRightMomentsInBothDtypes(DType dt) {
        Tensor n = new Rng(12).normal(dt, -1.5, 2, 20000).to(DType.FLOAT64);
        double mean = n.sumAll() / 20000, var = n.add(-mean).pow(2).sumAll() / 19999;
        assertThat(mean).isCloseTo(-1.5, offset(0.15));
        assertThat(var).isCloseTo(4.0, offset(0.24)); // sd of the sample variance ≈ 4·sqrt(2/20000) = 0.04
    }

    /**
     * Kaiming-uniform is U(-b, b) with b = 1/sqrt(fanIn): every |value| ≤ b, and over 20000 draws both ends come
     * within 0.1% of ±b (a gap that large at one end has probability (1 - 0.0005)^20000 ≈ 5e-5), so a narrower
     * range (say b/sqrt(3), or the normal-init bound) fails; mean 0 and variance b²/3.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void kaimingUniformReachesItsBound(DType dt) {
        int fanIn = 16;
        double b = 1.0 / Math.sqrt(fanIn);
        Tensor k = new Rng(13).kaimingUniform(dt, fanIn, 200, 100).to(DType.FLOAT64);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k.numel(); i++) {
            min = Math.min(min, k.getFlat(i));
            max = Math.max(max, k.getFlat(i));
        }
        double mean = k.sumAll() / k.numel(), var = k.add(-mean).pow(2).sumAll() / (k.numel() - 1);
        System.out.printf("kaiming %s b=%.4f: min %.6f max %.6f mean %.2e var %.6f (b^2/3 = %.6f)%n", dt, b, min, max,
                mean, var, b * b / 3);
        assertThat(k.maxAbs()).isLessThanOrEqualTo(b);
        assertThat(max).isGreaterThan(b * (1 - 1e-3));
        assertThat(min).isLessThan(-b * (1 - 1e-3));
        assertThat(mean).isCloseTo(0.0, offset(0.01)); // sd of the mean ≈ 0.001
        assertThat(var).isCloseTo(b * b / 3, offset(0.001)); // b²/3 ≈ 0.0208, sd of the sample variance ≈ 1.3e-4
    }

    @Test
    void rangesAndMoments() {
        Rng rng = new Rng(7);
        Tensor u = rng.uniform(DType.FLOAT64, -3, 5, 20000);
        for (int i = 0; i < u.numel(); i++) assertThat(u.getFlat(i)).isGreaterThanOrEqualTo(-3).isLessThan(5);
        assertThat(u.sumAll() / 20000).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.1)); // sd of mean ≈ 0.016
        Tensor n = rng.normal(DType.FLOAT64, 2, 3, 20000);
        double mean = n.sumAll() / 20000;
        double var = n.add(-mean).pow(2).sumAll() / 19999;
        assertThat(mean).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.15)); // sd of mean ≈ 0.021
        assertThat(Math.sqrt(var)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.15));
        Tensor k = rng.kaimingUniform(DType.FLOAT32, 16, 8, 16);
        assertThat(k.maxAbs()).isLessThanOrEqualTo(0.25);
        assertThat(k.shape()).containsExactly(8, 16);
        int[] perm = rng.permutation(100);
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertThat(sorted[i]).isEqualTo(i);
        assertThat(perm).isNotEqualTo(sorted);
    }
}

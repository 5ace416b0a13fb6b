package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

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

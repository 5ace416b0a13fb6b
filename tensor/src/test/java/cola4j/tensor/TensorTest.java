package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Factories, accessors, conversion, ND4J interop and the finiteness checks of {@link Tensor}. */
class TensorTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void factoriesAndAccessors(DType dt) {
        Ref.assertExact(Tensor.zeros(dt, 2, 2), dt, new int[] {2, 2}, new double[4]);
        Ref.assertExact(Tensor.ones(dt, 3), dt, new int[] {3}, new double[] {1, 1, 1});
        Ref.assertExact(Tensor.full(dt, 2.5, 1, 2), dt, new int[] {1, 2}, new double[] {2.5, 2.5});
        Ref.assertExact(Tensor.arange(dt, 4), dt, new int[] {4}, new double[] {0, 1, 2, 3});
        Ref.assertExact(Tensor.scalar(dt, 0.1), dt, new int[] {}, new double[] {0.1});
        Tensor t = Ref.tensor(dt, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(t.get(1, 2)).isEqualTo(6.0);
        assertThat(t.dim(-1)).isEqualTo(3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.bytes()).isEqualTo(6L * dt.bytes);
        assertThat(t.toString()).isEqualTo("Tensor(" + dt.cliName
                + ", [2, 3], [[1.00000, 2.00000, 3.00000], [4.00000, 5.00000, 6.00000]])");
        assertThatThrownBy(() -> t.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank 1");
        assertThatThrownBy(t::item).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item");
        assertThat(Tensor.scalar(dt, 3).item()).isEqualTo(3.0);
        Tensor shape = Tensor.zeros(dt, 2);
        assertThat(shape.shape()).isNotSameAs(shape.shape()); // defensive copy
    }

    @Test
    void constructorRejectsMismatchedData() {
        assertThatThrownBy(() -> Tensor.of(new double[5], 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor: data of length 5 does not fill shape [2, 3]");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void dtypeConversionIsExplicitAndRounds() {
        Tensor d = Tensor.of(new double[] {0.1, 1e300, -0.0}, 3);
        Tensor f = d.to(DType.FLOAT32);
        assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.toFloatArray()).containsExactly(0.1f, Float.POSITIVE_INFINITY, -0.0f);
        assertThat(f.to(DType.FLOAT64).getFlat(0)).isEqualTo((double) 0.1f);
        assertThat(d.to(DType.FLOAT64)).isNotSameAs(d);
        assertThat(DType.parse("F32")).isEqualTo(DType.FLOAT32);
        assertThat(DType.parse("float64")).isEqualTo(DType.FLOAT64);
        assertThatThrownBy(() -> DType.parse("int8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int8");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void nd4jRoundTripIsBitExact(DType dt) {
        Tensor t = Ref.rand(new Rng(50), dt, 2, 3, 4);
        INDArray a = t.toINDArray();
        assertThat(a.shape()).containsExactly(2L, 3L, 4L);
        assertThat(Tensor.of(a).bitEquals(t)).isTrue();
        // f/strided views are copied in c-order
        assertThat(Tensor.of(a.permute(2, 0, 1)).bitEquals(t.permute(2, 0, 1))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void finiteness(DType dt) {
        Tensor t = Ref.tensor(dt, new double[] {1, Double.NaN, 3}, 3);
        assertThat(t.isFinite()).isFalse();
        assertThatThrownBy(() -> t.requireFinite("loss")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loss: non-finite value NaN at flat index 1 of tensor [3]");
        Tensor ok = Tensor.ones(dt, 2);
        assertThat(ok.requireFinite("x")).isSameAs(ok);
        assertThat(Ref.tensor(dt, new double[] {3, -4}, 2).norm()).isEqualTo(5.0);
        assertThat(Ref.tensor(dt, new double[] {3, -4}, 2).maxAbsDiff(Ref.tensor(dt, new double[] {1, 1}, 2)))
                .isEqualTo(5.0);
    }
}

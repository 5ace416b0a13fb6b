package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-thread scratch buffers behind {@link MatMul}: reuse, growth, the size bound, release, and thread confinement.
 */
@org.junit.jupiter.api.extension.ExtendWith(HeapBackend.class)
class NativeScratchTest {
    @AfterEach
    void release() {
        MatMul.releaseThreadScratch();
    }

    @Test
    void reusesAndGrowsPerSlot() {
        MatMul.releaseThreadScratch();
        NativeScratch s = NativeScratch.get();
        assertThat(s.cachedBytes()).isZero();
        DoublePointer p = s.doubles(0, 1000);
        assertThat(p.capacity()).isEqualTo(1000);
        p.position(7);
        s.recycle(0, p);
        assertThat(s.doubles(0, 800)).as("a smaller request reuses the buffer, at position 0").isSameAs(p);
        assertThat(p.position()).isZero();
        DoublePointer q = s.doubles(0, 1500);
        assertThat(q).isNotSameAs(p);
        assertThat(q.capacity()).as("grows by doubling").isEqualTo(2000);
        assertThat(p.isNull()).as("the old buffer is freed").isTrue();
        FloatPointer f = s.floats(0, 10);
        assertThat(s.floats(1, 10)).as("slots are separate").isNotSameAs(f);
        assertThat(s.cachedBytes()).isEqualTo(2000L * 8 + 2 * 10 * 4);
        NativeScratch.releaseThisThread();
        assertThat(s.cachedBytes()).isZero();
        assertThat(q.isNull()).isTrue();
    }

    @Test
    void requestsAboveTheBoundAreOneOffs() {
        NativeScratch s = NativeScratch.get();
        long n = NativeScratch.MAX_CACHED_BYTES / Float.BYTES + 1;
        FloatPointer big = s.floats(2, n);
        assertThat(big.capacity()).isEqualTo(n);
        assertThat(s.cachedBytes()).as("not cached").isZero();
        s.recycle(2, big);
        assertThat(big.isNull()).as("freed at once by recycle").isTrue();
        FloatPointer half = s.floats(2, (n - 1) / 2 + 1);
        FloatPointer near = s.floats(2, n - 2);
        assertThat(half.isNull()).isTrue();
        assertThat(near.capacity()).as("doubling is capped at the bound").isEqualTo(n - 1);
        s.recycle(2, near);
        assertThat(near.isNull()).as("a cached buffer survives recycle").isFalse();
        assertThat(s.cachedBytes()).isEqualTo(NativeScratch.MAX_CACHED_BYTES);
    }

    @Test
    void eachThreadHasItsOwn() throws InterruptedException {
        NativeScratch mine = NativeScratch.get();
        NativeScratch[] other = new NativeScratch[1];
        Thread t = new Thread(() -> other[0] = NativeScratch.get());
        t.start();
        t.join();
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
        assertThat(NativeScratch.get()).isSameAs(mine);
    }

    @Test
    void productsAreUnaffectedByScratchStateAndRelease() {
        for (DType dt : DType.values()) {
            Rng rng = new Rng(9);
            Tensor a = Ref.rand(rng, dt, 40, 30), b = Ref.rand(rng, dt, 30, 20);
            Tensor big = Ref.rand(rng, dt, 200, 300), bigB = Ref.rand(rng, dt, 300, 10);
            Tensor first = a.copy().matmul(b.copy());
            big.copy().matmul(bigB.copy()); // leaves larger buffers holding other values behind
            assertThat(a.copy().matmul(b.copy()).bitEquals(first)).as(dt + " after a larger product").isTrue();
            MatMul.releaseThreadScratch();
            assertThat(a.copy().matmul(b.copy()).bitEquals(first)).as(dt + " after release").isTrue();
        }
    }
}

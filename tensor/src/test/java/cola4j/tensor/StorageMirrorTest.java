package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The native mirror of a tensor's storage ({@link Storage}) as used by {@link MatMul}: made on the third product at
 * one version of an array of at least {@link Storage#MIN_BYTES}; products through it are bit-identical to products
 * through scratch copies (same BLAS call on the same values); any in-place write, through any reshape view, is
 * seen by the next product.
 *
 * <p>"Fresh" below means {@code x.copy()}: new storage, so no mirror, so the scratch route.
 */
@org.junit.jupiter.api.extension.ExtendWith(HeapBackend.class)
class StorageMirrorTest {
    /** A [64, 128] x [128, 64] product: 32 KiB (float32) or 64 KiB (float64) per operand, so both are mirrorable. */
    static Tensor[] operands(DType dt, long seed) {
        Rng rng = new Rng(seed);
        Tensor a = Ref.rand(rng, dt, 64, 128), b = Ref.rand(rng, dt, 128, 64);
        assertThat(a.bytes()).isGreaterThanOrEqualTo(Storage.MIN_BYTES);
        assertThat(b.bytes()).isGreaterThanOrEqualTo(Storage.MIN_BYTES);
        return new Tensor[] {a, b};
    }

    /** Multiplies until both operands have a current mirror; returns the product. */
    static Tensor warm(Tensor a, Tensor b) {
        Tensor c = null;
        for (int i = 0; i < Storage.AFTER_USES; i++) c = a.matmul(b);
        assertThat(a.storage.hasCurrentMirror()).as("A mirrored after " + Storage.AFTER_USES + " products").isTrue();
        assertThat(b.storage.hasCurrentMirror()).as("B mirrored").isTrue();
        return c;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void mirroredProductIsBitIdenticalToScratchProduct(DType dt) {
        Tensor[] ab = operands(dt, 1);
        Tensor a = ab[0], b = ab[1];
        Tensor viaScratch = a.copy().matmul(b.copy());
        assertThat(a.storage.hasCurrentMirror()).isFalse();
        Tensor first = a.matmul(b);
        assertThat(a.storage.hasCurrentMirror()).as("no mirror after one product").isFalse();
        warm(a, b);
        for (int i = 0; i < 3; i++) assertThat(a.matmul(b).bitEquals(viaScratch)).as("mirrored product " + i).isTrue();
        assertThat(first.bitEquals(viaScratch)).isTrue();
        // and against the naive reference, so the comparison above is not between two equal wrong answers
        double[][] ref = MatMulTest.naive(a, b, false, false, new int[] {64, 64});
        Tensor c = a.matmul(b);
        double tol = dt == DType.FLOAT64 ? 1e-13 : 1e-5;
        for (int i = 0; i < c.numel(); i++) {
            assertThat(Math.abs(c.getFlat(i) - ref[0][i])).isLessThanOrEqualTo(tol * ref[1][i]);
        }
    }

    /** Each in-place write kind, applied to {@code target} (the original tensor or a view). */
    static List<Consumer<Tensor>> writes() {
        return List.of(
                t -> t.setFlat(t.numel() / 2, 3.5),
                t -> t.addInPlace(Tensor.full(t.dtype(), 0.25, t.shape()), 1.0),
                t -> t.copyFrom(Tensor.full(t.dtype(), -0.5, t.shape())));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void writeThroughAnyViewIsSeenByTheNextProduct(DType dt) {
        for (int w = 0; w < writes().size(); w++) {
            for (String via : List.of("self", "view made before", "view made after", "view of view",
                    "operand B view")) {
                Tensor[] ab = operands(dt, 10 + w);
                Tensor a = ab[0], b = ab[1];
                Tensor earlyView = a.reshape(128, 64);
                Tensor before = warm(a, b);
                Tensor target = switch (via) {
                    case "self" -> a;
                    case "view made before" -> earlyView;
                    case "view made after" -> a.reshape(-1);
                    case "view of view" -> earlyView.reshape(32, 2, 128);
                    default -> b.reshape(2, 4096);
                };
                writes().get(w).accept(target);
                String what = dt + " write " + w + " via " + via;
                assertThat(a.storage.hasCurrentMirror() && b.storage.hasCurrentMirror())
                        .as(what + ": a mirror is now stale").isFalse();
                Tensor after = a.matmul(b);
                assertThat(after.bitEquals(a.copy().matmul(b.copy())))
                        .as(what + ": product equals one on fresh copies").isTrue();
                assertThat(after.bitEquals(before)).as(what + ": the write changed the product").isFalse();
                assertThat(a.storage.hasCurrentMirror() && b.storage.hasCurrentMirror())
                        .as(what + ": mirror refreshed").isTrue();
                // a product read through a view uses the same (refreshed) mirror
                assertThat(a.reshape(64, 128).matmul(b).bitEquals(after))
                        .as(what + ": product through a view").isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void batchedAndTransposedProductsThroughMirrors(DType dt) {
        Rng rng = new Rng(3);
        Tensor a = Ref.rand(rng, dt, 2, 1, 32, 128), b = Ref.rand(rng, dt, 5, 128, 40); // [2,1,32,128] x [5,128,40]
        Tensor bt = Ref.rand(rng, dt, 3, 40, 128); // [3,40,128], used transposed
        Tensor a3 = Ref.rand(rng, dt, 3, 32, 128);
        Tensor r1 = a.copy().matmul(b.copy()), r2 = a3.copy().matmul(bt.copy(), false, true);
        for (int i = 0; i < Storage.AFTER_USES + 1; i++) {
            assertThat(a.matmul(b).bitEquals(r1)).as("broadcast batch " + i).isTrue();
            assertThat(a3.matmul(bt, false, true).bitEquals(r2)).as("transposed batch " + i).isTrue();
        }
        assertThat(a.storage.hasCurrentMirror() && b.storage.hasCurrentMirror() && bt.storage.hasCurrentMirror())
                .isTrue();
        b.reshape(-1).setFlat(5 * 128 * 40 - 1, 2.0); // last element of the last batch of B
        assertThat(a.matmul(b).bitEquals(a.copy().matmul(b.copy()))).isTrue();
        assertThat(a.matmul(b).bitEquals(r1)).isFalse();
    }

    @Test
    void whoGetsAMirror() {
        Rng rng = new Rng(4);
        Tensor small = Ref.rand(rng, DType.FLOAT64, 16, 16), w = Ref.rand(rng, DType.FLOAT64, 64, 128);
        for (int i = 0; i < 5; i++) small.matmul(small);
        assertThat(small.storage.hasCurrentMirror()).as("below MIN_BYTES: never").isFalse();
        Tensor x = Ref.rand(rng, DType.FLOAT64, 128, 8);
        w.matmul(x);
        w.matmul(x);
        w.setFlat(0, 1.0); // a write starts the count again: a weight written every two products never gets one
        w.matmul(x);
        w.matmul(x);
        assertThat(w.storage.hasCurrentMirror()).as("two products per version").isFalse();
        w.matmul(x);
        assertThat(w.storage.hasCurrentMirror()).as("third product at one version").isTrue();
        assertThat(Storage.mirrorBytes()).isBetween(w.bytes(), Storage.BUDGET_BYTES);
    }

    @Test
    void mirrorIsFreedWithItsStorage() throws InterruptedException {
        Tensor[] ab = operands(DType.FLOAT64, 5);
        warm(ab[0], ab[1]);
        long held = Storage.mirrorBytes();
        assertThat(held).isGreaterThanOrEqualTo(ab[0].bytes() + ab[1].bytes());
        ab = null;
        for (int i = 0; i < 100 && Storage.mirrorBytes() > held - 2 * 64 * 128 * 8; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(Storage.mirrorBytes()).as("both mirrors returned to the budget")
                .isLessThanOrEqualTo(held - 2 * 64 * 128 * 8);
    }

    @Test
    void concurrentProductsOnSharedOperands() throws Exception {
        for (DType dt : DType.values()) {
            Tensor[] ab = operands(dt, 6);
            Tensor a = ab[0], b = ab[1];
            Tensor expected = a.copy().matmul(b.copy());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = t;
                    done.add(pool.submit(() -> {
                        Tensor own = Ref.rand(new Rng(100 + id), dt, 128, 64);
                        Tensor ownExpected = a.copy().matmul(own.copy());
                        int ok = 0;
                        for (int i = 0; i < 40; i++) {
                            if (a.matmul(b).bitEquals(expected)) ok++;
                            if (a.reshape(64, 128).matmul(own).bitEquals(ownExpected)) ok++;
                            if (i % 10 == 9) MatMul.releaseThreadScratch();
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get()).as(dt + " products equal to the single-thread result").isEqualTo(80);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(a.storage.hasCurrentMirror()).isTrue();
        }
    }
}

package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Tensor#scatterAddRows} on the ND4J backend with many repeated indices (an embedding's gradient, where a
 * token occurs several times in a batch) adds every update, in index order: the result equals the heap kernel's bit
 * for bit, and a count of ones is exact. libnd4j's unlocked {@code scatter_add} split the indices over two threads
 * that read-modify-wrote one row at once, losing updates now and then (the flaky CrossBackendStepTest of issue 20).
 * Before the fix, on the 2-core machine at load ≈ 10 (2026-12-02), one call of the first body differed from the heap
 * in 157 of 200 calls and one call of the second lost updates in 32 of 200, so with {@value #REPEATS} calls per
 * dtype the first test failed in practice every time. On a single core libnd4j runs one thread and the race cannot
 * happen, so there these tests pass with or without the fix.
 */
class Nd4jScatterTest {
    static final int ROWS = 3, K = 6000, WIDTH = 4, REPEATS = 10;

    static int[] cyclic() {
        int[] idx = new int[K];
        for (int i = 0; i < K; i++) idx[i] = i % ROWS;
        return idx;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void repeatedIndicesGiveTheHeapResultBitForBit(DType dtype) {
        int[] idx = cyclic();
        Tensor heap = Backend.with(Backend.HEAP,
                () -> new Rng(5).uniform(dtype, -1, 1, K, WIDTH).scatterAddRows(idx, ROWS + 1));
        for (int r = 0; r < REPEATS; r++) {
            Tensor nd = Backend.with(Backend.ND4J,
                    () -> new Rng(5).uniform(dtype, -1, 1, K, WIDTH).scatterAddRows(idx, ROWS + 1));
            assertThat(nd.backend()).isEqualTo(Backend.ND4J);
            assertThat(nd.bitEquals(heap)).as("%s repeat %d: max |heap - nd4j| %s", dtype, r, nd.maxAbsDiff(heap))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyUpdateOfOneRowIsCounted(DType dtype) {
        int[] idx = new int[K]; // all zero: K updates of row 0
        for (int r = 0; r < REPEATS; r++) {
            Tensor nd = Backend.with(Backend.ND4J, () -> Tensor.ones(dtype, K, WIDTH).scatterAddRows(idx, 2));
            double[] v = nd.toDoubleArray();
            for (int j = 0; j < WIDTH; j++) assertThat(v[j]).as("%s repeat %d, column %d", dtype, r, j).isEqualTo(K);
            for (int j = WIDTH; j < 2 * WIDTH; j++) assertThat(v[j]).isZero();
        }
    }
}

package cola4j.gl.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Median wall-clock time per call of a task, the way the benchmarks measure everything.
 *
 * <p>Procedure: run {@code warmup} calls (JIT, caches, BLAS thread start-up); time one call to choose
 * {@code inner}, the number of calls per sample, so that a sample lasts at least {@code minSampleNanos}
 * (System.nanoTime resolution and loop overhead are then negligible); take {@code reps} samples of
 * {@code inner} calls; return the median of (sample time / inner). The median, not the mean, so a sample
 * disturbed by GC or by another process on the shared machine does not move the result.
 *
 * <p>Each call returns a double that is folded into {@link #sink}, so the JIT cannot drop the work.
 */
final class Timing {
    private Timing() {}

    /** Receives every task's result so the JIT cannot eliminate the task. */
    static volatile double sink;

    /** Median seconds per call (see the class comment). */
    static double medianSeconds(DoubleSupplier task, int warmup, int reps, long minSampleNanos) {
        if (reps < 1) throw new IllegalArgumentException("Timing: reps must be >= 1, got " + reps);
        double acc = 0;
        for (int i = 0; i < warmup; i++) acc += task.getAsDouble();
        long t0 = System.nanoTime();
        acc += task.getAsDouble();
        long one = Math.max(1, System.nanoTime() - t0);
        long inner = Math.max(1, Math.min(Integer.MAX_VALUE, (minSampleNanos + one - 1) / one));
        double[] perCall = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            for (long i = 0; i < inner; i++) acc += task.getAsDouble();
            perCall[r] = (System.nanoTime() - s) / 1e9 / inner;
        }
        sink = acc;
        return median(perCall);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}

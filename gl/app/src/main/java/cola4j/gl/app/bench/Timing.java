package cola4j.gl.app.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Median wall-clock time per call of a task, the way the benchmarks measure everything.
 *
 * <p>Procedure: run at least {@code warmup} calls and for at least {@code warmupNanos} (JIT tiers — C2 compiles
 * in a background thread, which is slow to get CPU on a busy machine —, caches, BLAS thread start-up); time one call
 * to choose {@code inner}, the number of calls per sample, so that a sample lasts at least {@code minSampleNanos}
 * (System.nanoTime resolution and loop overhead are then negligible); take {@code reps} samples of {@code inner} calls;
 * return the median of (sample time / inner). The median, not the mean, so a sample disturbed by GC or by another
 * process on the shared machine does not move the result.
 *
 * <p>Each call returns its result, which is stored in the static field {@link #sink}: a stored object escapes,
 * so the JIT can neither drop the work nor scalar-replace a small result array (C2 does that for arrays of up to
 * 64 elements — exactly an 8×8 tensor — and would then compute only the element that is read).
 */
final class Timing {
    private Timing() {}

    /** Receives every task's result so the JIT cannot eliminate the task or its allocations. */
    static Object sink;

    /** Median seconds per call (see the class comment). */
    static double medianSeconds(Supplier<?> task, int warmup, long warmupNanos, int reps, long minSampleNanos) {
        return medianSeconds(task, warmup, warmupNanos, Long.MAX_VALUE, reps, minSampleNanos);
    }

    /**
     * Median seconds per call, with the warm-up (at least {@code warmup} calls and {@code warmupNanos}) cut off after
     * {@code maxWarmupNanos}: a call count chosen for sub-µs ops would otherwise warm up a 100 µs op for seconds.
     */
    static double medianSeconds(Supplier<?> task, int warmup, long warmupNanos, long maxWarmupNanos, int reps,
                                long minSampleNanos) {
        if (reps < 1) throw new IllegalArgumentException("Timing: reps must be >= 1, got " + reps);
        HeapTouch.once();
        long w0 = System.nanoTime();
        for (long i = 0; ; i++) {
            long spent = System.nanoTime() - w0;
            if (spent >= maxWarmupNanos || i >= warmup && spent >= warmupNanos) break;
            sink = task.get();
        }
        long t0 = System.nanoTime();
        sink = task.get();
        long one = Math.max(1, System.nanoTime() - t0);
        long inner = Math.max(1, Math.min(Integer.MAX_VALUE, (minSampleNanos + one - 1) / one));
        double[] perCall = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            for (long i = 0; i < inner; i++) sink = task.get();
            perCall[r] = (System.nanoTime() - s) / 1e9 / inner;
        }
        return median(perCall);
    }

    /**
     * Paired, interleaved comparison of two tasks: the ratio of per-call times timeB / timeA (so &gt; 1 when A is
     * faster), as the median over {@code reps} pairs of samples taken back to back (A then B, alternating).
     *
     * <p>Why paired: on a shared machine the speed available to us drifts by 2× or more within seconds. Timing A
     * for a second and then B for a second puts that drift into the ratio; a pair of adjacent samples sees nearly
     * the same machine, and the median over pairs drops the pairs a burst of load split. Both tasks are first warmed
     * up for {@code warmupNanos} each (JIT, BLAS threads, and first touch of the Java heap's pages, which costs
     * 5–10× a warm allocation of a large array).
     *
     * @return {median seconds per call of A, median seconds per call of B, median of the per-pair ratios B/A}
     */
    static double[] paired(Supplier<?> a, Supplier<?> b, long warmupNanos, int reps, long minSampleNanos) {
        if (reps < 1) throw new IllegalArgumentException("Timing: reps must be >= 1, got " + reps);
        HeapTouch.once();
        long innerA = innerCalls(a, warmupNanos, minSampleNanos), innerB = innerCalls(b, warmupNanos, minSampleNanos);
        double[] ta = new double[reps], tb = new double[reps], ratio = new double[reps];
        for (int r = 0; r < reps; r++) {
            ta[r] = sample(a, innerA);
            tb[r] = sample(b, innerB);
            ratio[r] = tb[r] / ta[r];
        }
        return new double[] {median(ta), median(tb), median(ratio)};
    }

    /** Warms {@code task} up for {@code warmupNanos} (at least 2 calls) and returns the calls per sample. */
    private static long innerCalls(Supplier<?> task, long warmupNanos, long minSampleNanos) {
        long w0 = System.nanoTime();
        for (long i = 0; i < 2 || System.nanoTime() - w0 < warmupNanos; i++) sink = task.get();
        long t0 = System.nanoTime();
        sink = task.get();
        long one = Math.max(1, System.nanoTime() - t0);
        return Math.max(1, Math.min(Integer.MAX_VALUE, (minSampleNanos + one - 1) / one));
    }

    /** Seconds per call over one sample of {@code inner} calls. */
    private static double sample(Supplier<?> task, long inner) {
        long s = System.nanoTime();
        for (long i = 0; i < inner; i++) sink = task.get();
        return (System.nanoTime() - s) / 1e9 / inner;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}

package cola4j.tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Splits a kernel's loop over <b>independent outputs</b> across the cores: the one pool of the tensor kernels.
 *
 * <p><b>Contract.</b> {@link #forRange forRange(n, cost, body)} runs {@code body.run(from, to)} over disjoint ranges
 * that cover [0, n) exactly once. A kernel passes as items the outputs it writes (elements, rows, or output columns of
 * a reduction), and each item must be computed by the same operations in the same order whichever range it falls in:
 * then the result is bit-identical to the serial loop whatever the split and the thread count (ParallelKernelsTest
 * checks every kernel against {@link #serial}, float32 and float64). Nothing here reorders a sum.
 *
 * <p><b>When it splits.</b> Only when the work, n·cost in "cheap element operations" (a float add costs 1; see
 * {@link #TRANSCENDENTAL}), is at least 2·{@link #GRAIN}; then into at most 4 chunks per thread, each ≥ GRAIN.
 * Smaller calls run {@code body.run(0, n)} on the calling thread, so small ops pay one comparison. GRAIN = 2^17 was
 * set from two {@code cola bench ops --sweep} runs on the quiet 2-core machine (2026-12-02, docs/performance.md,
 * "Parallel kernels"): sum and layer norm gained 1.3–1.6× from 262,144 elements on and lost below; exp gained
 * 1.3× from 16,384 on; add, memory-bound, never gained (0.7–1.0×).
 *
 * <p><b>Threads.</b> {@link #THREADS} = system property {@code cola4j.threads}, else environment variable
 * {@code COLA_THREADS}, else {@link Runtime#availableProcessors()}; 1 turns splitting off. THREADS − 1 daemon worker
 * threads help the caller, which always works too. Chunks are claimed from a shared counter, so a caller whose helpers
 * do not get a core (a loaded machine) simply runs the remaining chunks itself and never waits for a helper that has
 * not started. A body must not block on other kernels' results; an exception in a body is rethrown to the caller.
 */
public final class Parallel {
    private Parallel() {}

    /** A loop over the items [from, to) of one kernel call. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Smallest work (cheap element operations) per chunk; calls with less than 2·GRAIN stay serial. */
    static final long GRAIN = 1L << 17;
    /** Cost of one exp/tanh-based element (GELU, softmax, exp) relative to a float add. */
    static final long TRANSCENDENTAL = 16;
    /** Chunks per thread at most (more chunks balance a loaded machine better). */
    static final int CHUNKS_PER_THREAD = 4;
    /** Threads that run one kernel call, the caller included. */
    static final int THREADS = configuredThreads();

    private static final ExecutorService WORKERS = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "cola4j-kernel");
        t.setDaemon(true);
        return t;
    }) : null;

    /** Splitting mode of the calling thread: AUTO (by the threshold), SERIAL, or FORCED (any n ≥ 2). */
    private enum Mode { AUTO, SERIAL, FORCED }

    private static final ThreadLocal<Mode> MODE = ThreadLocal.withInitial(() -> Mode.AUTO);

    /** The number of threads a large kernel call uses (the caller included). */
    public static int threads() {
        return THREADS;
    }

    /** Runs {@code task} with every kernel it calls on this thread serial (for benchmarks and equality tests). */
    public static <T> T serial(Supplier<T> task) {
        return with(Mode.SERIAL, task);
    }

    /**
     * Runs {@code task} with every kernel call on this thread split whatever its size (n ≥ 2 items, into
     * max(2, {@link #threads()}) chunks, which one thread runs in turn when there is one): for measuring the
     * threshold and for testing the split on small tensors.
     */
    public static <T> T forced(Supplier<T> task) {
        return with(Mode.FORCED, task);
    }

    private static <T> T with(Mode m, Supplier<T> task) {
        Mode before = MODE.get();
        MODE.set(m);
        try {
            return task.get();
        } finally {
            MODE.set(before);
        }
    }

    /** Runs body over [0, n), split as the class comment says; cost = cheap element operations per item. */
    static void forRange(int n, long cost, Range body) {
        int chunks = chunks(n, cost);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable claim = () -> {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0, helpers = Math.min(THREADS, chunks) - 1; h < helpers; h++) WORKERS.execute(claim);
        claim.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the chunks run on regardless; finish, then restore the flag
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error err) throw err;
    }

    /** How many chunks a call of n items of {@code cost} each is split into (1 = serial). */
    static int chunks(int n, long cost) {
        if (n < 2) return 1;
        Mode m = MODE.get();
        if (m == Mode.SERIAL) return 1;
        if (m == Mode.FORCED) return Math.min(n, Math.max(2, THREADS));
        if (THREADS <= 1) return 1;
        long work = n * Math.max(1, cost);
        if (work < 2 * GRAIN) return 1;
        return (int) Math.min(Math.min(n, (long) THREADS * CHUNKS_PER_THREAD), work / GRAIN);
    }

    private static int configuredThreads() {
        String p = System.getProperty("cola4j.threads"), v = p != null ? p : System.getenv("COLA_THREADS");
        int dflt = Runtime.getRuntime().availableProcessors();
        if (v == null || v.isBlank()) return dflt;
        try {
            int t = Integer.parseInt(v.trim());
            if (t >= 1 && t <= 1024) return t;
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("cola4j: ignoring " + (p != null ? "-Dcola4j.threads" : "COLA_THREADS") + "=" + v
                + " (want an integer 1..1024); using " + dflt + " threads");
        return dflt;
    }
}

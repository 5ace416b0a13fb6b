package cola4j.gl.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Touches the committed heap once before the first timed sample, so timed code does not pay the first-touch page
 * faults of a fresh JVM (docs/performance.md, GEMM: a 256×256 result array cost 290–425 µs instead of 41–46 µs).
 *
 * <p>The {@code cola} script starts {@code bench} with {@code -Xms2g} (the heap is committed but not touched, which
 * costs nothing); the pages are touched here, at the first {@link Timing} call, that is after the arguments were
 * parsed and validated and only for the timed subcommands (gemm, ops, step, samediff). Formerly the JVM flag
 * {@code -XX:+AlwaysPreTouch} did it at start-up, so a usage error took 15–60 s on a loaded machine (issue 15).
 * How: hold arrays of 8 MiB (humongous in G1, so they go straight to free regions; the JVM zeroes them, which touches
 * every page) until they fill the committed heap less 64 MiB, then drop them.
 */
final class HeapTouch {
    private HeapTouch() {}

    private static final int CHUNK = (8 << 20) - 64;
    private static boolean done;

    /** Touches the committed heap once per JVM; later calls return at once. Returns the bytes touched. */
    static synchronized long once() {
        if (done) return 0;
        done = true;
        Runtime rt = Runtime.getRuntime();
        long target = rt.totalMemory() - (rt.totalMemory() - rt.freeMemory()) - (64L << 20);
        List<byte[]> held = new ArrayList<>();
        long touched = 0;
        try {
            while (touched + CHUNK <= target) {
                held.add(new byte[CHUNK]);
                touched += CHUNK;
            }
        } catch (OutOfMemoryError e) {
            // the heap was smaller than reported free; what was touched stays touched
        }
        held.clear();
        return touched;
    }
}

package cola4j.gl.app.command;

import cola4j.gl.app.io.Io;

/**
 * The one check of a memory estimate against the heap ({@link Runtime#maxMemory()}), shared by every command that
 * estimates its memory before allocating (train, copra, pretrain, ftaas, serve, demo): it prints
 * {@code cola <command>: memory estimate … MiB (what), heap … MiB} on stderr and refuses a run whose estimate
 * exceeds the heap with one line, as a usage error (exit 2: the options ask for more than the heap; the hint names
 * the options to lower and {@code COLA_JAVA_OPTS=-Xmx...}).
 */
public final class HeapCheck {
    private HeapCheck() {}

    /**
     * Prints the estimate and throws {@link UsageException} when {@code bytes} exceeds the heap.
     *
     * @param command the command's name, as in {@code cola train}
     * @param bytes   the estimate
     * @param what    appended to the estimate's line (e.g. its parts), may be empty
     * @param lower   what to lower, e.g. {@code "a smaller --batch or --rank"}
     */
    public static void require(String command, long bytes, String what, String lower, Io io) {
        long heap = Runtime.getRuntime().maxMemory();
        io.err().printf("cola %s: memory estimate %.1f MiB%s, heap %.0f MiB%n", command, bytes / 1048576.0, what,
                heap / 1048576.0);
        if (bytes > heap) {
            throw new UsageException(String.format("the run needs about %.0f MiB but the heap is %.0f MiB; %s or a"
                    + " larger heap (COLA_JAVA_OPTS=-Xmx...)", bytes / 1048576.0, heap / 1048576.0, lower));
        }
    }
}

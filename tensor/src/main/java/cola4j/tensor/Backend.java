package cola4j.tensor;

import java.util.Locale;

/**
 * Where tensors created from now on keep their elements and run their kernels: {@link #HEAP} (Java
 * {@code float[]}/{@code double[]} and this package's loops, OpenBLAS for products) or {@link #ND4J} (an ND4J
 * {@code INDArray} per tensor and ND4J's kernels for every primitive, see {@link Nd4jKernels}; under the
 * {@code -Pcuda} build the data and the kernels are on the GPU).
 *
 * <p>The choice is made once per process: the system property {@code cola.backend}, else the environment variable
 * {@code COLA_BACKEND}, else {@code heap}; the CLI's {@code --backend} calls {@link #select} before any tensor is
 * made. Tests switch with {@link #select} and restore the previous choice. An op whose operands are all heap tensors
 * runs on the heap only while {@link #HEAP} is selected; otherwise (an ND4J operand, or {@link #ND4J} selected) it
 * runs through ND4J, and a heap operand is copied into an INDArray first — a conversion counted by
 * {@link Transfers}, as is every read of an ND4J tensor's elements into Java memory.
 */
public enum Backend {
    HEAP, ND4J;

    private static volatile Backend current;

    /** The backend selected for this process (read from {@code cola.backend}/{@code COLA_BACKEND} on first use). */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backend.class) {
                if (current == null) current = fromEnvironment();
                b = current;
            }
        }
        return b;
    }

    /** Selects the backend for tensors made from now on; returns the previous choice. */
    public static Backend select(Backend b) {
        if (b == null) throw new IllegalArgumentException("backend: null");
        synchronized (Backend.class) {
            Backend old = current();
            current = b;
            return old;
        }
    }

    /**
     * Runs {@code work} with {@code b} selected and restores the previous choice (tests, benchmarks comparing the
     * backends in one process; not for concurrent use with other threads making tensors).
     */
    public static <T> T with(Backend b, java.util.function.Supplier<T> work) {
        Backend old = select(b);
        try {
            return work.get();
        } finally {
            select(old);
        }
    }

    /**
     * {@code heap} or {@code nd4j} (any case) as a backend.
     *
     * @throws IllegalArgumentException {@code "backend 'x': expected heap or nd4j"}
     */
    public static Backend parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("heap")) return HEAP;
        if (v.equals("nd4j")) return ND4J;
        throw new IllegalArgumentException("backend '" + s + "': expected heap or nd4j");
    }

    /** The lower-case name used by {@code --backend} and {@code COLA_BACKEND}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static Backend fromEnvironment() {
        String p = System.getProperty("cola.backend");
        if (p != null && !p.isBlank()) return parseFrom("system property cola.backend", p);
        String e = System.getenv("COLA_BACKEND");
        if (e != null && !e.isBlank()) return parseFrom("COLA_BACKEND", e);
        return HEAP;
    }

    private static Backend parseFrom(String where, String v) {
        try {
            return parse(v);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(where + "=" + v + ": expected heap or nd4j", ex);
        }
    }

    /** True if an op over these operands runs through ND4J: {@link #ND4J} is selected or an operand is ND4J. */
    static boolean nd4j(Tensor a) {
        return a.nd != null || current() == ND4J;
    }

    /** {@link #nd4j(Tensor)} for two operands. */
    static boolean nd4j(Tensor a, Tensor b) {
        return a.nd != null || b.nd != null || current() == ND4J;
    }

    /** {@link #nd4j(Tensor)} for any operands (null entries are skipped). */
    static boolean nd4j(Tensor... ts) {
        if (current() == ND4J) return true;
        for (Tensor t : ts) if (t != null && t.nd != null) return true;
        return false;
    }
}

package cola4j.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Per-thread reusable native buffers for the BLAS route of {@link MatMul}: a cache of memory, never of values.
 *
 * <p><b>Why.</b> Allocating a fresh JavaCPP buffer per product costs more than the copy into it: buffers above
 * glibc's mmap threshold (128 KiB) are mapped and unmapped on every call, so every page is faulted on first touch.
 * Reusing one buffer per operand slot per thread keeps the pages mapped.
 *
 * <p><b>Semantics.</b> A buffer handed out by {@link #floats}/{@link #doubles} has unspecified contents; the caller
 * writes every element it later reads, so no result ever depends on what a previous call left behind. Each thread
 * has its own buffers ({@link ThreadLocal}), so concurrent products never share one; within a thread a buffer is
 * used by one {@code MatMul} call at a time (the call makes no callbacks, so it cannot re-enter).
 *
 * <p><b>Bounds.</b> A slot grows to the largest request seen (doubling, to avoid a reallocation per slightly larger
 * size) but never beyond {@link #MAX_CACHED_BYTES}; a larger request gets a one-off buffer that
 * {@link #recycle} frees at once. So a thread holds at most 3 × 2 × {@value #MAX_CACHED_BYTES} bytes (three slots,
 * two dtypes). {@link #releaseThisThread()} frees them now; a dead thread's buffers are freed when the garbage
 * collector reclaims its thread-local map (JavaCPP's deallocator).
 */
final class NativeScratch {
    /** Largest buffer kept for reuse, in bytes (32 MiB = a 2048×2048 float64 matrix). */
    static final long MAX_CACHED_BYTES = 32L << 20;
    /** Number of slots: 0 = A, 1 = B, 2 = C. */
    static final int SLOTS = 3;

    private static final ThreadLocal<NativeScratch> LOCAL = ThreadLocal.withInitial(NativeScratch::new);

    private final FloatPointer[] f = new FloatPointer[SLOTS];
    private final DoublePointer[] d = new DoublePointer[SLOTS];

    private NativeScratch() {}

    /** The calling thread's scratch. */
    static NativeScratch get() {
        return LOCAL.get();
    }

    /**
     * A float buffer of at least {@code n} elements at position 0 (contents unspecified). Pass it to {@link #recycle}.
     */
    FloatPointer floats(int slot, long n) {
        FloatPointer p = f[slot];
        if (p != null && p.capacity() >= n) return p.position(0);
        if (n * Float.BYTES > MAX_CACHED_BYTES) return new FloatPointer(n);
        long cap = Math.min(Math.max(n, p == null ? 0 : 2 * p.capacity()), MAX_CACHED_BYTES / Float.BYTES);
        if (p != null) p.close();
        f[slot] = p = new FloatPointer(cap);
        return p;
    }

    /**
     * A double buffer of at least {@code n} elements at position 0 (contents unspecified). Pass it to {@link #recycle}.
     */
    DoublePointer doubles(int slot, long n) {
        DoublePointer p = d[slot];
        if (p != null && p.capacity() >= n) return p.position(0);
        if (n * Double.BYTES > MAX_CACHED_BYTES) return new DoublePointer(n);
        long cap = Math.min(Math.max(n, p == null ? 0 : 2 * p.capacity()), MAX_CACHED_BYTES / Double.BYTES);
        if (p != null) p.close();
        d[slot] = p = new DoublePointer(cap);
        return p;
    }

    /** Ends the use of a buffer from {@link #floats}/{@link #doubles}: frees it if it is a one-off, else keeps it. */
    void recycle(int slot, Pointer p) {
        if (p != f[slot] && p != d[slot]) p.close();
    }

    /** Bytes currently held by this thread's cached buffers. */
    long cachedBytes() {
        long s = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (f[i] != null) s += f[i].capacity() * Float.BYTES;
            if (d[i] != null) s += d[i].capacity() * Double.BYTES;
        }
        return s;
    }

    /** Frees the calling thread's cached buffers now (the next product allocates afresh). */
    static void releaseThisThread() {
        NativeScratch s = LOCAL.get();
        for (int i = 0; i < SLOTS; i++) {
            if (s.f[i] != null) s.f[i].close();
            if (s.d[i] != null) s.d[i].close();
            s.f[i] = null;
            s.d[i] = null;
        }
    }
}

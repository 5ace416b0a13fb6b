package cola4j.tensor;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The identity of one heap array of tensor elements, shared by every tensor over it (a tensor and its
 * {@link Tensor#reshape} views), with a write counter and an optional native mirror for {@link MatMul}.
 *
 * <p><b>Version.</b> {@link #version} counts in-place writes: {@link Tensor#setFlat}, {@link Tensor#addInPlace} and
 * {@link Tensor#copyFrom} bump it through whichever view they are called on. Kernels that fill a tensor they have
 * just created write the array directly; no mirror can exist yet, so they need not bump it.
 *
 * <p><b>Mirror.</b> A native copy of the array that {@link MatMul} passes to OpenBLAS instead of copying the array
 * into scratch memory on every product. It is a cache of the array's values at {@code mirrorVersion}: when a product
 * finds {@code mirrorVersion != version} it first copies the array into the mirror again (same buffer, same cost as
 * a scratch copy), so a write through any view is seen by the next product. When a mirror is made:
 * <ul>
 *   <li>only arrays of at least {@link #MIN_BYTES} (smaller copies cost under a microsecond);</li>
 *   <li>only at the {@value #AFTER_USES}rd product that reads the array at one version: a trained weight
 *       (replaced or written every step) and an activation are each read twice (forward, backward) and never get
 *       one; a frozen weight, or an operand multiplied again and again, does;</li>
 *   <li>all live mirrors together take at most {@link #BUDGET_BYTES}; past that, products copy as before.</li>
 * </ul>
 * A mirror is freed when its storage becomes unreachable (a {@link Cleaner}), which returns its bytes to the budget.
 * {@link MatMul} keeps the storage reachable until OpenBLAS has returned ({@code Reference.reachabilityFence}).
 *
 * <p><b>Threads.</b> Use counting, mirror creation and refresh happen under this object's lock; a mirror's buffer
 * is never freed while its storage is reachable. Products that read one unchanging storage from several threads
 * are therefore safe. As for the heap array itself, a write racing with a product on another thread needs the
 * caller's synchronization (without it the product may see old, new or mixed values; it never reads freed memory).
 */
final class Storage {
    /** Arrays smaller than this (bytes) are never mirrored. */
    static final long MIN_BYTES = 32 << 10;
    /** A mirror is made on this many-th product reading the array at one version. */
    static final int AFTER_USES = 3;
    /** Most bytes held by all live mirrors of the process (a cache bound; 256 MiB). */
    static final long BUDGET_BYTES = 256L << 20;

    private static final AtomicLong MIRROR_BYTES = new AtomicLong();
    private static final Cleaner CLEANER = Cleaner.create();

    /** In-place writes so far (bumped by every view; long, so it never wraps around to an old value). */
    long version;

    /**
     * The ND4J backend's 1-D view of the whole INDArray buffer these tensors share, made by the first single-element
     * access ({@link Nd4jArrays#get}) and kept, so that element access does not make a new view each time.
     */
    volatile org.nd4j.linalg.api.ndarray.INDArray ndFlat;

    // guarded by this
    private long usesVersion = -1;
    private int uses;
    private Pointer mirror;
    private long mirrorVersion = -1;

    /**
     * A view (position 0) of the current native mirror of {@code data}, this storage's float64 array; null when this
     * product should copy instead. The view does not own the memory: keep this storage reachable while using it.
     */
    synchronized DoublePointer mirror(double[] data) {
        long bytes = (long) data.length * Double.BYTES;
        if (mirror == null) {
            if (!admit(bytes)) return null;
            mirror = allocate(() -> new DoublePointer(data.length), bytes);
            if (mirror == null) return null;
        }
        DoublePointer p = (DoublePointer) mirror;
        if (mirrorVersion != version) {
            p.put(data);
            mirrorVersion = version;
        }
        return new DoublePointer(p); // a view per product: callers move its position, the owner's stays 0
    }

    /** As {@link #mirror(double[])}, for this storage's float32 array. */
    synchronized FloatPointer mirror(float[] data) {
        long bytes = (long) data.length * Float.BYTES;
        if (mirror == null) {
            if (!admit(bytes)) return null;
            mirror = allocate(() -> new FloatPointer(data.length), bytes);
            if (mirror == null) return null;
        }
        FloatPointer p = (FloatPointer) mirror;
        if (mirrorVersion != version) {
            p.put(data);
            mirrorVersion = version;
        }
        return new FloatPointer(p); // a view per product: callers move its position, the owner's stays 0
    }

    /**
     * Counts one product reading this storage (which has no mirror yet); true, with {@code bytes} reserved from the
     * budget, if a mirror should be made now. Caller holds the lock.
     */
    private boolean admit(long bytes) {
        if (bytes < MIN_BYTES) return false;
        if (usesVersion != version) {
            usesVersion = version;
            uses = 0;
        }
        if (++uses < AFTER_USES) return false;
        long now;
        do {
            now = MIRROR_BYTES.get();
            if (now + bytes > BUDGET_BYTES) return false;
        } while (!MIRROR_BYTES.compareAndSet(now, now + bytes));
        return true;
    }

    /**
     * Allocates a mirror of {@code bytes} already reserved; null (reservation returned) if native memory is refused.
     */
    private Pointer allocate(Supplier<Pointer> alloc, long bytes) {
        Pointer p;
        try {
            p = alloc.get();
        } catch (OutOfMemoryError e) { // JavaCPP's maxbytes limit or malloc failure: fall back to copying
            MIRROR_BYTES.addAndGet(-bytes);
            return null;
        }
        CLEANER.register(this, new Free(p, bytes));
        return p;
    }

    /** The cleaning action; must not refer to the storage. */
    private record Free(Pointer p, long bytes) implements Runnable {
        @Override
        public void run() {
            p.close();
            MIRROR_BYTES.addAndGet(-bytes);
        }
    }

    /** True if a mirror exists and is current (for tests). */
    synchronized boolean hasCurrentMirror() {
        return mirror != null && mirrorVersion == version;
    }

    /** Bytes held by all live mirrors of the process. */
    static long mirrorBytes() {
        return MIRROR_BYTES.get();
    }
}

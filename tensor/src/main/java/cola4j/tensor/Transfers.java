package cola4j.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of every copy between Java memory and ND4J tensors (process-wide, monotone; tests compare snapshots).
 * With the {@link Backend#HEAP} backend they stay at zero apart from explicit interop ({@link Tensor#of(
 * org.nd4j.linalg.api.ndarray.INDArray)}). Under {@code -Pcuda} each is a host↔device transfer, so the hot path of
 * a training step should add to none but {@link Snapshot#elementReads} (the loss value) and the uploads of its
 * integer inputs (token ids, labels).
 *
 * <ul>
 *   <li>{@code uploads}/{@code uploadedElements}: a Java array (or heap tensor) copied into an INDArray
 *       ({@link Tensor#of(double[], int...)} while ND4J is selected, a heap operand of an ND4J op, an index list);</li>
 *   <li>{@code downloads}/{@code downloadedElements}: an ND4J tensor's elements copied into a Java array
 *       ({@link Tensor#toDoubleArray()}, {@link Tensor#toFloatArray()}, bitwise comparison, interop);</li>
 *   <li>{@code elementReads}/{@code elementWrites}: single elements ({@link Tensor#getFlat}, {@link Tensor#item},
 *       {@link Tensor#setFlat}) of ND4J tensors.</li>
 * </ul>
 */
public final class Transfers {
    private Transfers() {}

    private static final AtomicLong UPLOADS = new AtomicLong(), UP_ELEMS = new AtomicLong();
    private static final AtomicLong DOWNLOADS = new AtomicLong(), DOWN_ELEMS = new AtomicLong();
    private static final AtomicLong READS = new AtomicLong(), WRITES = new AtomicLong();

    /** The counters at one moment. */
    public record Snapshot(long uploads, long uploadedElements, long downloads, long downloadedElements,
            long elementReads, long elementWrites) {
        /** The counts since {@code before}. */
        public Snapshot minus(Snapshot before) {
            return new Snapshot(uploads - before.uploads, uploadedElements - before.uploadedElements,
                    downloads - before.downloads, downloadedElements - before.downloadedElements,
                    elementReads - before.elementReads, elementWrites - before.elementWrites);
        }

        /** Bulk copies in both directions. */
        public long bulk() {
            return uploads + downloads;
        }
    }

    /** The current counts. */
    public static Snapshot snapshot() {
        return new Snapshot(UPLOADS.get(), UP_ELEMS.get(), DOWNLOADS.get(), DOWN_ELEMS.get(), READS.get(),
                WRITES.get());
    }

    static void upload(long elements) {
        UPLOADS.incrementAndGet();
        UP_ELEMS.addAndGet(elements);
    }

    static void download(long elements) {
        DOWNLOADS.incrementAndGet();
        DOWN_ELEMS.addAndGet(elements);
    }

    static void elementRead() {
        READS.incrementAndGet();
    }

    static void elementWrite() {
        WRITES.incrementAndGet();
    }
}

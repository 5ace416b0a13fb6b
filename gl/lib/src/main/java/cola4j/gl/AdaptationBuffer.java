package cola4j.gl;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds the adaptation data of one site for an adaptation interval of I batches. When it holds I batches it is
 * {@link #isFull() full}, and {@link #drain()} returns their row-wise concatenation and empties it.
 */
public final class AdaptationBuffer {
    private final int interval;
    private final List<AdaptationData> batches = new ArrayList<>();

    /** A buffer for {@code interval} >= 1 batches. */
    public AdaptationBuffer(int interval) {
        if (interval < 1) {
            throw new IllegalArgumentException("adaptation buffer: interval must be >= 1, got " + interval);
        }
        this.interval = interval;
    }

    /**
     * Adds one batch; returns true if the buffer is now full.
     *
     * @throws IllegalStateException if it is already full (drain first)
     * @throws IllegalArgumentException if the batch belongs to another site than the buffered ones
     */
    public boolean add(AdaptationData d) {
        if (isFull()) {
            throw new IllegalStateException("adaptation buffer for site '" + d.site() + "' is full (" + interval
                    + " batches); drain it first");
        }
        if (!batches.isEmpty() && !batches.get(0).site().equals(d.site())) {
            throw new IllegalArgumentException("adaptation buffer holds site '" + batches.get(0).site()
                    + "', got data for '" + d.site() + "'");
        }
        batches.add(d);
        return isFull();
    }

    public boolean isFull() {
        return batches.size() == interval;
    }

    public boolean isEmpty() {
        return batches.isEmpty();
    }

    /** Buffered batches. */
    public int size() {
        return batches.size();
    }

    public int interval() {
        return interval;
    }

    /** Bytes currently buffered (for memory accounting). */
    public long bytes() {
        return batches.stream().mapToLong(AdaptationData::bytes).sum();
    }

    /** The concatenation of the buffered batches (see {@link AdaptationData#concat}); empties the buffer. */
    public AdaptationData drain() {
        if (batches.isEmpty()) throw new IllegalStateException("adaptation buffer: drain of an empty buffer");
        AdaptationData all = AdaptationData.concat(batches);
        batches.clear();
        return all;
    }
}

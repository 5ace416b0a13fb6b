package cola4j.tensor.memory;

import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Byte accounting of tensors per (device, category, key).
 *
 * <p>A tensor's size is {@link Tensor#bytes()} = numel × dtype size (element storage only; no object headers, and a
 * reshaped view tracked under a second key is counted twice). Tracking a key that is already tracked replaces its
 * entry: the counters move from the old size to the new one in a single step, so a replacement never makes a peak
 * of old + new. Peaks are maxima of the current values over time, per category and per device total.
 *
 * <p>There is no global ledger: whoever measures owns an instance and passes it around. Methods are synchronized, so
 * one ledger may be shared by threads (e.g. a transport thread and the training loop).
 */
public final class MemoryLedger {
    /** Counters of one device. */
    private static final class Book {
        final Map<MemCategory, Map<String, Long>> entries = new EnumMap<>(MemCategory.class);
        final long[] current = new long[MemCategory.values().length];
        final long[] peak = new long[MemCategory.values().length];
        long total, peakTotal;

        Book() {
            for (MemCategory c : MemCategory.values()) entries.put(c, new LinkedHashMap<>());
        }

        void add(MemCategory c, long delta) {
            int i = c.ordinal();
            current[i] += delta;
            total += delta;
            peak[i] = Math.max(peak[i], current[i]);
            peakTotal = Math.max(peakTotal, total);
        }
    }

    private final Map<Device, Book> books = new LinkedHashMap<>();

    /**
     * Records {@code t.bytes()} under (device, category, key), replacing a previous entry with the same key. Returns
     * the bytes recorded.
     */
    public long track(Device device, MemCategory category, String key, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("track: tensor for key '" + key + "' on " + device + " is null");
        }
        return track(device, category, key, t.bytes());
    }

    /** Records a raw byte count (for buffers that are not tensors), replacing a previous entry with the same key. */
    public synchronized long track(Device device, MemCategory category, String key, long bytes) {
        check("track", device, category, key);
        if (bytes < 0) {
            throw new IllegalArgumentException("track: negative byte count " + bytes + " for key '" + key
                    + "' on " + device);
        }
        Book b = books.computeIfAbsent(device, d -> new Book());
        Long old = b.entries.get(category).put(key, bytes);
        b.add(category, bytes - (old == null ? 0 : old));
        return bytes;
    }

    /**
     * Removes the entry (device, category, key) and returns its bytes.
     *
     * @throws IllegalArgumentException if no such entry is tracked (releasing twice is a bookkeeping bug)
     */
    public synchronized long release(Device device, MemCategory category, String key) {
        check("release", device, category, key);
        Book b = books.get(device);
        Long old = b == null ? null : b.entries.get(category).remove(key);
        if (old == null) {
            throw new IllegalArgumentException("release: no " + category + " entry '" + key + "' tracked on " + device);
        }
        b.add(category, -old);
        return old;
    }

    /**
     * Removes every entry of {@code category} on {@code device} (e.g. activations after a step); returns
     * the bytes freed.
     */
    public synchronized long releaseAll(Device device, MemCategory category) {
        check("releaseAll", device, category, "*");
        Book b = books.get(device);
        if (b == null) return 0;
        long freed = 0;
        for (long v : b.entries.get(category).values()) freed += v;
        b.entries.get(category).clear();
        b.add(category, -freed);
        return freed;
    }

    /** Bytes tracked now under (device, category); 0 for an unknown device. */
    public synchronized long current(Device device, MemCategory category) {
        Book b = books.get(device);
        return b == null ? 0 : b.current[category.ordinal()];
    }

    /** Bytes tracked now on {@code device}, all categories. */
    public synchronized long current(Device device) {
        Book b = books.get(device);
        return b == null ? 0 : b.total;
    }

    /** Highest {@link #current(Device, MemCategory)} seen since creation or the last reset. */
    public synchronized long peak(Device device, MemCategory category) {
        Book b = books.get(device);
        return b == null ? 0 : b.peak[category.ordinal()];
    }

    /** Highest {@link #current(Device)} seen (the device's total at one moment, not a sum of category peaks). */
    public synchronized long peak(Device device) {
        Book b = books.get(device);
        return b == null ? 0 : b.peakTotal;
    }

    /** Bytes of one entry, or -1 if it is not tracked. */
    public synchronized long bytes(Device device, MemCategory category, String key) {
        Book b = books.get(device);
        Long v = b == null ? null : b.entries.get(category).get(key);
        return v == null ? -1 : v;
    }

    /** Devices seen so far, in first-tracked order (an immutable copy). */
    public synchronized Set<Device> devices() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(books.keySet()));
    }

    /** An immutable copy of all counters. */
    public synchronized MemorySnapshot snapshot() {
        List<MemorySnapshot.DeviceUsage> out = new ArrayList<>();
        for (Map.Entry<Device, Book> e : books.entrySet()) {
            Book b = e.getValue();
            Map<MemCategory, Long> cur = new EnumMap<>(MemCategory.class), pk = new EnumMap<>(MemCategory.class);
            for (MemCategory c : MemCategory.values()) {
                cur.put(c, b.current[c.ordinal()]);
                pk.put(c, b.peak[c.ordinal()]);
            }
            out.add(new MemorySnapshot.DeviceUsage(e.getKey(), cur, pk, b.total, b.peakTotal));
        }
        return new MemorySnapshot(out);
    }

    /** Sets every peak to its current value (entries stay), to measure the peak of a new phase. */
    public synchronized void resetPeaks() {
        for (Book b : books.values()) {
            System.arraycopy(b.current, 0, b.peak, 0, b.current.length);
            b.peakTotal = b.total;
        }
    }

    /** Forgets everything: entries, devices, peaks. */
    public synchronized void reset() {
        books.clear();
    }

    private static void check(String op, Device device, MemCategory category, String key) {
        if (device == null || category == null || key == null) {
            throw new IllegalArgumentException(op + ": device, category and key must be non-null, got " + device + ", "
                    + category + ", " + key);
        }
    }
}

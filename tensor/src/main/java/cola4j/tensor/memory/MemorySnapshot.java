package cola4j.tensor.memory;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of a {@link MemoryLedger}'s counters at one moment.
 *
 * @param devices per-device usage, in the order devices were first tracked
 */
public record MemorySnapshot(List<DeviceUsage> devices) {
    public MemorySnapshot {
        devices = List.copyOf(devices);
    }

    /**
     * Byte counts of one device.
     *
     * @param device    the device
     * @param current   bytes tracked now, per category (every category present, 0 if none)
     * @param peak      highest value {@code current} reached per category since creation or the last reset
     * @param total     sum of {@code current} over categories
     * @param peakTotal highest value {@code total} reached (at one moment; not the sum of category peaks)
     */
    public record DeviceUsage(Device device, Map<MemCategory, Long> current, Map<MemCategory, Long> peak, long total,
                              long peakTotal) {
        public DeviceUsage {
            current = java.util.Collections.unmodifiableMap(new EnumMap<>(current));
            peak = java.util.Collections.unmodifiableMap(new EnumMap<>(peak));
        }
    }

    /** Usage of {@code device}, or null if the ledger had never seen it. */
    public DeviceUsage usage(Device device) {
        for (DeviceUsage u : devices) if (u.device().equals(device)) return u;
        return null;
    }

    /** Devices by name to usage, in first-tracked order. */
    public Map<String, DeviceUsage> byName() {
        Map<String, DeviceUsage> m = new LinkedHashMap<>();
        for (DeviceUsage u : devices) m.put(u.device().name(), u);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A plain-text table: one row per device, current/peak bytes per category and in total. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format("%-12s", "device"));
        for (MemCategory c : MemCategory.values()) {
            sb.append(String.format(" %24s", c.name().toLowerCase() + " cur/peak"));
        }
        sb.append(String.format(" %24s%n", "total cur/peak"));
        for (DeviceUsage u : devices) {
            sb.append(String.format("%-12s", u.device().name()));
            for (MemCategory c : MemCategory.values()) {
                sb.append(String.format(" %24s", u.current().get(c) + "/" + u.peak().get(c)));
            }
            sb.append(String.format(" %24s%n", u.total() + "/" + u.peakTotal()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}

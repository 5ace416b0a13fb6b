package cola4j.gl.app.ftaas;

import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the numbers a {@link MethodResult} reports out of a {@link MemoryLedger}. */
public final class LedgerView {
    private LedgerView() {}

    public static final Device SERVER = Device.of("server");

    /** Category (lower case) → peak bytes on {@code device}. */
    public static Map<String, Long> peaksByCategory(MemoryLedger ledger, Device device) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (MemCategory c : MemCategory.values()) m.put(c.name().toLowerCase(Locale.ROOT), ledger.peak(device, c));
        return m;
    }

    /** The largest peak total over devices named {@code user-*}. */
    public static long userPeakMax(MemoryLedger ledger) {
        long max = 0;
        for (Device d : ledger.devices()) if (d.name().startsWith("user-")) max = Math.max(max, ledger.peak(d));
        return max;
    }
}

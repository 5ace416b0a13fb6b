package cola4j.tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the tensor engine runs on, for {@code cola doctor} and the first lines of a GPU user's run: the selected
 * {@link Backend}, ND4J's backend class and device (the CPU, or under {@code -Pcuda} each CUDA device's name and
 * memory as ND4J reports them), ND4J's BLAS vendor and thread counts, and the heap backend's OpenBLAS. Touching ND4J
 * loads its native backend (a second or so the first time).
 */
public final class BackendInfo {
    private BackendInfo() {}

    /** Label → value, in print order. */
    public static LinkedHashMap<String, String> describe() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("active backend", Backend.current().label() + " (--backend heap|nd4j, COLA_BACKEND)");
        m.put("nd4j backend class", Nd4j.getBackend().getClass().getName());
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        m.put("nd4j device", device(env));
        m.put("nd4j blas vendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("nd4j threads", "maxThreads " + Nd4j.getEnvironment().maxThreads() + ", maxMasterThreads "
                + Nd4j.getEnvironment().maxMasterThreads() + ", omp.threads " + env.getOrDefault("omp.threads", "?"));
        int vendor = openblas.blas_get_vendor();
        org.nd4j.linalg.api.blas.Blas.Vendor[] names = org.nd4j.linalg.api.blas.Blas.Vendor.values(); // same codes
        m.put("heap blas", (vendor >= 0 && vendor < names.length ? names[vendor] : "vendor code " + vendor) + ", "
                + openblas.blas_get_num_threads() + " threads (bytedeco openblas, used for heap products)");
        m.put("jvm", Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        return m;
    }

    /** "CPU (N cores)" or one "CUDA name, total/free MiB" per device listed by ND4J. */
    static String device(Properties env) {
        Object devices = env.get("cuda.devicesInformation");
        if (devices instanceof List<?> list && !list.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Object d : list) {
                if (sb.length() > 0) sb.append("; ");
                if (d instanceof Map<?, ?> dm) {
                    sb.append("CUDA ").append(dm.get("cuda.deviceName")).append(", ")
                            .append(mib(dm.get("cuda.totalMemory"))).append(" MiB total, ")
                            .append(mib(dm.get("cuda.freeMemory"))).append(" MiB free");
                } else {
                    sb.append("CUDA ").append(d);
                }
            }
            return sb.toString();
        }
        return "CPU (" + env.getOrDefault("cores", Runtime.getRuntime().availableProcessors()) + " cores, "
                + env.getOrDefault("os", System.getProperty("os.name")) + ")";
    }

    private static String mib(Object bytes) {
        return bytes instanceof Number n ? String.valueOf(n.longValue() >> 20) : String.valueOf(bytes);
    }
}

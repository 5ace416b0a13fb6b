package cola4j.gl.ftaas;

import cola4j.gl.cola.ColaMode;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.memory.MemCategory;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The byte counts one expects, from shapes alone (the tests hold the measured values against these). With
 * e = element bytes (4 for float32), P = base parameter count, per site s: in_s, out_s, bias_s ∈ {0, 1}:
 * <pre>
 *   auxiliary parameters A_u = Σ_s  r(in + out)                      lowrank (LoRA A [r, in], B [out, r])
 *                                   in·out + bias·out                linear
 *                                   in·h + h + h·out + out           mlp (one hidden layer of width h, biases)
 *   down payload / step     = Σ_users Σ_s rows × (in_s + out_s) × e_wire        rows = rowsPerUser × positionsPerRow
 *   up payload / step       = unmerged: Σ_u A_u·e·⌊N/I_u⌋ / N      merged: Σ_u Σ_s (in·out + [Δb] out)·e
 *   optimizer state O(n, t) of n elements in t tensors: AdamW 2·n·e + 8·t (m, v and a float64 step scalar per
 *                          tensor), SGD with momentum n·e
 *   memory (parameters, gradients, optimizer state):
 *     full        server:  K·P·e,            K·P·e,         K·O(P, T_base)
 *     lora        server:  P·e + Σ A_u·e,    Σ A_u·e,       Σ O(A_u, T_u)
 *     cola unmerged server: P·e + Σ A_u·e (frozen replicas), 0, 0;   user u: A_u·e, A_u·e, O(A_u, T_u)
 *     cola merged   server: P·e, 0, 0 (independent of K);           user u: as unmerged
 * </pre>
 */
public final class AnalyticBytes {
    private AnalyticBytes() {}

    /** A_u: parameter count of one user's auxiliaries over {@code sites}. */
    public static long auxParameters(UserSpec u, List<Site> sites) {
        long n = 0;
        for (Site s : sites) {
            long in = s.inFeatures(), out = s.outFeatures(), h = u.mlpHidden(), b = s.bias() != null ? 1 : 0;
            n += switch (u.auxType()) {
                case "lowrank" -> (long) u.rank() * (in + out);
                case "linear" -> in * out + b * out;
                case "mlp" -> in * h + b * h + h * out + b * out;
                default -> throw new IllegalArgumentException("unknown auxiliary type " + u.auxType());
            };
        }
        return n;
    }

    /** T_u: number of parameter tensors of one user's auxiliaries. */
    public static long auxTensors(UserSpec u, List<Site> sites) {
        long n = 0;
        for (Site s : sites) {
            long b = s.bias() != null ? 1 : 0;
            n += switch (u.auxType()) {
                case "lowrank" -> 2;
                case "linear" -> 1 + b;
                default -> 2 + 2 * b;
            };
        }
        return n;
    }

    /** O(n, t): optimizer state bytes of {@code u}'s optimizer kind over n elements in t tensors. */
    public static long optimizerState(UserSpec u, long elements, long tensors, DType dtype) {
        return u.optimizer().equals("sgd") ? elements * dtype.bytes : 2 * elements * dtype.bytes + 8 * tensors;
    }

    /** Base parameter count P. */
    public static long baseParameters(Model m) {
        return m.parameterCount();
    }

    /** Down payload of one step with {@code users} active users. */
    public static long downPayloadPerStep(List<Site> sites, int users, int rowsPerUser, int positionsPerRow, TransferDtype wire, DType dtype) {
        long perRow = 0;
        for (Site s : sites) perRow += s.inFeatures() + s.outFeatures();
        return (long) users * rowsPerUser * positionsPerRow * perRow * wire.bytesPerElement(dtype);
    }

    /** Up payload per step (averaged over {@code steps}); setup uploads not included. */
    public static double upPayloadPerStep(List<UserSpec> users, List<Site> sites, ColaMode mode, int steps, DType dtype) {
        double total = 0;
        for (UserSpec u : users) {
            if (mode == ColaMode.UNMERGED) {
                total += (double) auxParameters(u, sites) * dtype.bytes * (steps / u.interval());
            } else {
                long d = 0;
                for (Site s : sites) d += (long) s.inFeatures() * s.outFeatures() + (u.auxType().equals("linear") && s.bias() != null ? s.outFeatures() : 0);
                total += (double) d * dtype.bytes * steps;
            }
        }
        return total / steps;
    }

    /** Expected server bytes per category (parameters, gradients, optimizer state) for a method. */
    public static Map<MemCategory, Long> server(String method, Model base, List<UserSpec> users, List<Site> sites) {
        long e = base.dtype().bytes, p = baseParameters(base) * e, a = 0, optA = 0, optFull = 0;
        for (UserSpec u : users) {
            a += auxParameters(u, sites) * e;
            optA += optimizerState(u, auxParameters(u, sites), auxTensors(u, sites), base.dtype());
            optFull += optimizerState(u, baseParameters(base), base.namedParameters().size(), base.dtype());
        }
        long k = users.size();
        Map<MemCategory, Long> m = new EnumMap<>(MemCategory.class);
        switch (method) {
            case "full" -> put(m, k * p, k * p, optFull);
            case "lora" -> put(m, p + a, a, optA);
            case "cola-unmerged" -> put(m, p + a, 0, 0);
            case "cola-merged" -> put(m, p, 0, 0);
            default -> throw new IllegalArgumentException("no analytic memory for method " + method);
        }
        return m;
    }

    /** Expected bytes of user u's device (ColA): parameters, gradients, optimizer state. */
    public static Map<MemCategory, Long> user(UserSpec u, List<Site> sites, DType dtype) {
        long a = auxParameters(u, sites) * dtype.bytes;
        Map<MemCategory, Long> m = new EnumMap<>(MemCategory.class);
        put(m, a, a, optimizerState(u, auxParameters(u, sites), auxTensors(u, sites), dtype));
        return m;
    }

    private static void put(Map<MemCategory, Long> m, long params, long grads, long opt) {
        m.put(MemCategory.PARAMETERS, params);
        m.put(MemCategory.GRADIENTS, grads);
        m.put(MemCategory.OPTIMIZER_STATE, opt);
    }
}

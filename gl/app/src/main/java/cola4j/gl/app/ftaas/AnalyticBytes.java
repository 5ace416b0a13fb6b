package cola4j.gl.app.ftaas;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
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
 *   down payload / step     = Σ_users Σ_s rows × (in_s + out_s) × e_wire   rows = rowsPerUser × positionsPerRow
 *   up payload / step       = unmerged: Σ_u A_u·e·⌊N/I_u⌋ / N      merged: Σ_u Σ_s (in·out + [Δb] out)·e
 *   optimizer state O_u(n, t) of n elements in t tensors, by user u's optimizer ({@link UserSpec#newOptimizer}):
 *                          Adam and AdamW 2·n·e + 8·t (m, v and a float64 step scalar per tensor),
 *                          SGD with momentum n·e
 *   memory (parameters, gradients, optimizer state):
 *     full        server:  K·P·e,            K·P·e,         Σ_u O_u(P, T_base)
 *     lora        server:  P·e + Σ A_u·e,    Σ A_u·e,       Σ O_u(A_u, T_u)
 *     cola unmerged server: P·e + Σ A_u·e (frozen replicas), 0, 0;   user u: A_u·e, A_u·e, O_u(A_u, T_u)
 *     cola merged (both) server: P·e, 0, 0 (independent of K);      user u: as unmerged
 *   server buffers ({@link #serverBuffers}; D_u = user u's ΔW/Δb bytes, X = one user's adaptation data of one step,
 *   M = the merge backup Σ_s (in·out + bias·out)·e):
 *     full, lora 0;  cola unmerged K·X;  cola merged max_u D_u + max(M, X);
 *     cola merged-average Σ_u D_u + max(M, K·X)
 * </pre>
 * Users are the sessions' {@link UserSpec}s: each with its own auxiliary type, rank, interval and optimizer.
 */
public final class AnalyticBytes {
    private AnalyticBytes() {}

    /** A_u: parameter count of one user's auxiliaries over {@code sites}. */
    public static long auxParameters(UserSpec u, List<Site> sites) {
        long n = 0;
        for (Site s : sites) {
            long in = s.inFeatures(), out = s.outFeatures(), h = u.mlpHidden(), b = s.bias() != null ? 1 : 0;
            n += switch (u.auxType()) {
                case LOWRANK -> (long) u.rank() * (in + out);
                case LINEAR -> in * out + b * out;
                case MLP -> in * h + b * h + h * out + b * out;
                case EMBEDDING -> throw new IllegalStateException("unreachable: UserSpec accepts lowrank, linear, mlp");
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
                case LOWRANK -> 2;
                case LINEAR -> 1 + b;
                case MLP -> 2 + 2 * b;
                case EMBEDDING -> throw new IllegalStateException("unreachable: UserSpec accepts lowrank, linear, mlp");
            };
        }
        return n;
    }

    /** O_u(n, t): optimizer state bytes of {@code u}'s optimizer kind over n elements in t tensors. */
    public static long optimizerState(UserSpec u, long elements, long tensors, DType dtype) {
        return optimizerState(u.optimizer(), elements, tensors, dtype);
    }

    /**
     * O(n, t) of an optimizer kind as {@link UserSpec#newOptimizer} builds it: sgd n·e (momentum buffer), adam and
     * adamw 2·n·e + 8·t.
     */
    public static long optimizerState(OptimizerKind kind, long elements, long tensors, DType dtype) {
        return kind == OptimizerKind.SGD ? elements * dtype.bytes : 2 * elements * dtype.bytes + 8 * tensors;
    }

    /** Base parameter count P. */
    public static long baseParameters(Model m) {
        return m.parameterCount();
    }

    /** Down payload of one step with {@code users} active users. */
    public static long downPayloadPerStep(List<Site> sites, int users, int rowsPerUser, int positionsPerRow,
            TransferDtype wire, DType dtype) {
        long perRow = 0;
        // an embedding site's x is the token id, one element per row (not a one-hot of in = num_embeddings)
        for (Site s : sites) perRow += (s.kind() == Site.Kind.EMBEDDING ? 1 : s.inFeatures()) + s.outFeatures();
        return (long) users * rowsPerUser * positionsPerRow * perRow * wire.bytesPerElement(dtype);
    }

    /** Up payload per step (averaged over {@code steps}); setup uploads not included. */
    public static double upPayloadPerStep(List<UserSpec> users, List<Site> sites, ColaMode mode, int steps,
            DType dtype) {
        double total = 0;
        for (UserSpec u : users) {
            if (mode == ColaMode.UNMERGED) {
                total += (double) auxParameters(u, sites) * dtype.bytes * (steps / u.interval());
            } else {
                total += (double) deltaBytes(u, sites, dtype) * steps;
            }
        }
        return total / steps;
    }

    /** D_u: bytes of user u's upload in merged modes, Σ_s (in·out + [linear auxiliary and site bias] out)·e. */
    public static long deltaBytes(UserSpec u, List<Site> sites, DType dtype) {
        long d = 0;
        for (Site s : sites) {
            d += (long) s.inFeatures() * s.outFeatures()
                    + (u.auxType() == AuxiliaryKind.LINEAR && s.bias() != null ? s.outFeatures() : 0);
        }
        return d * dtype.bytes;
    }

    /** M: the merge backup of the adapted sites' weights and biases, Σ_s (in·out + bias·out)·e. */
    public static long mergeBackupBytes(List<Site> sites, DType dtype) {
        long b = 0;
        for (Site s : sites) b += (long) s.inFeatures() * s.outFeatures() + (s.bias() != null ? s.outFeatures() : 0);
        return b * dtype.bytes;
    }

    /**
     * X: one user's adaptation data of one step as the server holds it, rows·positions·Σ_s
     * (in + out)·e (model dtype).
     */
    public static long adaptationDataBytes(List<Site> sites, int rowsPerUser, int positionsPerRow, DType dtype) {
        return downPayloadPerStep(sites, 1, rowsPerUser, positionsPerRow, TransferDtype.NATIVE, dtype);
    }

    /**
     * A rough estimate of the activations one forward/backward pass keeps over {@code sites}: 4·X with X =
     * {@link #adaptationDataBytes} (each site's input and output of every row and position; the graph keeps a few
     * tensors of that size per site). Used by the memory checks of ftaas ({@code SessionLimits}) and of train, copra
     * and pretrain ({@code TrainingMemory}), never as a measured value.
     */
    public static long activationEstimate(List<Site> sites, int rows, int positionsPerRow, DType dtype) {
        return 4L * adaptationDataBytes(sites, rows, positionsPerRow, dtype);
    }

    /**
     * Expected peak of the server's BUFFERS for a session of {@code steps} ≥ 2 steps run by {@link ColaSession}
     * (users submitting and uploading in list order): unmerged, the outbox of one mixed step; merged, the uploaded ΔW
     * of one user while the previous pass's outbox (X) or, during its own pass, the merge backup (M) is held;
     * merged-average, every user's ΔW while the previous step's outbox (K·X) or the merge backup is held (formulas in
     * the class comment). The full and LoRA baselines hold no buffer.
     */
    public static long serverBuffers(ServingMethod method, List<UserSpec> users, List<Site> sites, int rowsPerUser,
            int positionsPerRow, DType dtype) {
        long x = adaptationDataBytes(sites, rowsPerUser, positionsPerRow, dtype), m = mergeBackupBytes(sites, dtype),
                k = users.size();
        return switch (method) {
            case FULL, LORA -> 0;
            case COLA_UNMERGED -> k * x;
            case COLA_MERGED -> users.stream().mapToLong(u -> deltaBytes(u, sites, dtype)).max().orElse(0)
                    + Math.max(m, x);
            case COLA_MERGED_AVERAGE -> users.stream().mapToLong(u -> deltaBytes(u, sites, dtype)).sum()
                    + Math.max(m, k * x);
        };
    }

    /** Expected server bytes per category (parameters, gradients, optimizer state) for a method. */
    public static Map<MemCategory, Long> server(ServingMethod method, Model base, List<UserSpec> users,
            List<Site> sites) {
        long e = base.dtype().bytes, p = baseParameters(base) * e, a = 0, optA = 0, optFull = 0;
        for (UserSpec u : users) {
            a += auxParameters(u, sites) * e;
            optA += optimizerState(u, auxParameters(u, sites), auxTensors(u, sites), base.dtype());
            optFull += optimizerState(u, baseParameters(base), base.namedParameters().size(), base.dtype());
        }
        long k = users.size();
        Map<MemCategory, Long> m = new EnumMap<>(MemCategory.class);
        switch (method) {
            case FULL -> put(m, k * p, k * p, optFull);
            case LORA -> put(m, p + a, a, optA);
            case COLA_UNMERGED -> put(m, p + a, 0, 0);
            case COLA_MERGED, COLA_MERGED_AVERAGE -> put(m, p, 0, 0);
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

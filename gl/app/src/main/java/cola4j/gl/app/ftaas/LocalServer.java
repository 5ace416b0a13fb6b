package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.NonFiniteException;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.UserFit;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Server} in this process, on a {@link ColaServer}. What it holds, recorded under device {@code server}:
 * <pre>
 *   PARAMETERS   base model; unmerged: + one frozen replica of every user's auxiliaries (rebuilt from uploads)
 *   ACTIVATIONS  {@link GraphBytes#activations} of each pass's graph (tracked before backward, released after)
 *   BUFFERS      merged modes: uploaded ΔW/Δb until the step that merges them ("delta-u"); during a merged pass the
 *                copy of the adapted sites' weights and biases that {@link ColaServer} restores afterwards
 *                ("merge-backup"); outgoing adaptation data of a step ("outbox")
 *   GRADIENTS, OPTIMIZER_STATE   nothing (ColaServer asserts no parameter gradient is ever allocated)
 * </pre>
 * Peak of BUFFERS (D_u = user u's ΔW/Δb bytes, A_u = its adaptation data of one step, backup = the adapted weights):
 * merged, driven one user at a time as {@link ColaSession} does, at most max_u D_u + max(backup, max_u A_u) (equal for
 * identical users) — independent of K;
 * merged-average, which needs all deltas of the step for the average, Σ_u D_u + max(Σ_u A_u, backup) (the previous
 * step's outbox is still held while the uploads arrive); unmerged Σ_u A_u.
 *
 * @param <B> batch type
 */
public final class LocalServer<B> implements Server<B> {
    private final TenantWorkload<B> workload;
    private final ColaServer cola;
    private final ColaMode mode;
    private final MemoryLedger ledger;
    private final Device device = Device.of("server");
    private final List<Site> sites;
    private final Map<Integer, UserSpec> specs = new LinkedHashMap<>();
    private final Map<Integer, LinkedHashMap<String, AuxiliaryModel>> replicas = new LinkedHashMap<>();
    private final DeltaInbox deltas;
    private final Map<Integer, ArrayDeque<B>> queues = new LinkedHashMap<>();
    private final Map<Integer, String> stopped = new LinkedHashMap<>();
    private long passNanos;

    public LocalServer(TenantWorkload<B> workload, ColaMode mode, MemoryLedger ledger) {
        this.workload = workload;
        this.sites = workload.adaptedSites(workload.base());
        this.cola = new ColaServer(workload.base(), sites);
        this.mode = mode;
        this.ledger = ledger;
        this.deltas = new DeltaInbox(sites, mode == ColaMode.MERGED_AVERAGE, ledger, device);
        long p = 0;
        for (Var v : workload.base().namedParameters().values()) p += v.value().bytes();
        ledger.track(device, MemCategory.PARAMETERS, "base", p);
    }

    @Override
    public ColaMode mode() {
        return mode;
    }

    public Device device() {
        return device;
    }

    /** Nanoseconds spent in forward/backward passes. */
    public long passNanos() {
        return passNanos;
    }

    /** Frozen replicas of the users' auxiliaries (unmerged mode; empty otherwise). */
    public Map<Integer, LinkedHashMap<String, AuxiliaryModel>> replicas() {
        return replicas;
    }

    /**
     * IllegalArgumentException if this server's mode cannot serve {@code spec} (merged modes need linear auxiliaries).
     */
    public void requireServable(UserSpec spec) {
        if (mode != ColaMode.UNMERGED && !spec.mergeable()) {
            throw new IllegalArgumentException("server: user " + spec.id() + "'s " + spec.auxType()
                    + " auxiliary cannot be merged; use unmerged mode");
        }
    }

    @Override
    public void register(UserSpec spec) {
        if (specs.containsKey(spec.id())) {
            throw new IllegalArgumentException("server: user " + spec.id() + " is already registered");
        }
        requireServable(spec);
        specs.put(spec.id(), spec);
        queues.put(spec.id(), new ArrayDeque<>());
        if (mode == ColaMode.UNMERGED) {
            LinkedHashMap<String, AuxiliaryModel> r = spec.auxiliaries(sites, workload.base().dtype());
            replicas.put(spec.id(), r);
            long p = 0;
            for (Var v : UserFit.parameters(r).values()) p += v.value().bytes();
            ledger.track(device, MemCategory.PARAMETERS, "replica-" + spec.id(), p);
        }
    }

    @Override
    public void remove(int user) {
        specs.remove(user);
        queues.remove(user);
        if (replicas.remove(user) != null) ledger.release(device, MemCategory.PARAMETERS, "replica-" + user);
        deltas.drop(user);
    }

    @Override
    public Set<Integer> users() {
        return specs.keySet();
    }

    @Override
    public void submit(int user, B batch) {
        ArrayDeque<B> q = queues.get(user);
        if (q == null) throw new IllegalArgumentException("server: user " + user + " is not registered");
        workload.requireFinite(batch, "server: batch of user " + user);
        q.addLast(batch);
    }

    @Override
    public void upload(int user, LinkedHashMap<String, Tensor> tensors) {
        if (!specs.containsKey(user)) {
            throw new IllegalArgumentException("server: upload from unregistered user " + user);
        }
        DType dtype = workload.base().dtype();
        if (mode == ColaMode.UNMERGED) {
            LinkedHashMap<String, Var> params = UserFit.parameters(replicas.get(user));
            UploadShapes.require(user, UploadShapes.parameters(replicas.get(user)), tensors, dtype);
            params.forEach((n, v) -> v.setValue(tensors.get(n).to(v.value().dtype())));
            return;
        }
        UploadShapes.require(user, UploadShapes.deltas(specs.get(user), sites), tensors, dtype);
        deltas.put(user, tensors);
    }

    /** The merged-average norm cap: ‖ΔW‖_F ≤ DELTA_CAP·‖W‖_F at each site ({@link DeltaInbox}: why 100). */
    public static final double DELTA_CAP = 100.0;

    /** Merged-average: user → number of (site, step) uploads whose ΔW was scaled down to the cap. */
    public Map<Integer, Integer> capped() {
        return deltas.capped();
    }

    @Override
    public Map<Integer, List<AdaptationData>> step() {
        if (mode != ColaMode.UNMERGED) {
            List<Integer> missing = new ArrayList<>();
            queues.forEach((u, q) -> {
                if (!q.isEmpty() && !deltas.has(u)) missing.add(u);
            });
            if (!missing.isEmpty()) {
                throw new IllegalStateException("server: users " + missing
                        + " have queued data but no uploaded delta for this step; upload ΔW first or remove them"
                        + " (nothing was processed)");
            }
        }
        ledger.releaseAll(device, MemCategory.ACTIVATIONS);
        if (ledger.bytes(device, MemCategory.BUFFERS, "outbox") >= 0) {
            ledger.release(device, MemCategory.BUFFERS, "outbox");
        }
        List<Integer> ready = new ArrayList<>();
        List<B> parts = new ArrayList<>();
        queues.forEach((u, q) -> {
            if (!q.isEmpty()) {
                ready.add(u);
                parts.add(q.removeFirst());
            }
        });
        stopped.clear();
        Map<Integer, List<AdaptationData>> out = new LinkedHashMap<>();
        if (ready.isEmpty()) return out;
        try {
            if (mode == ColaMode.MERGED) {
                for (int i = 0; i < ready.size(); i++) {
                    out.putAll(isolating(List.of(ready.get(i)), List.of(parts.get(i))));
                }
            } else {
                out.putAll(isolating(ready, parts));
            }
        } finally {
            if (mode == ColaMode.MERGED_AVERAGE) {
                for (int u : ready) deltas.drop(u);
            }
        }
        long bytes = out.values().stream().flatMap(List::stream).mapToLong(AdaptationData::bytes).sum();
        ledger.track(device, MemCategory.BUFFERS, "outbox", bytes);
        return out;
    }

    @Override
    public Map<Integer, String> stoppedInLastStep() {
        return new LinkedHashMap<>(stopped);
    }

    /**
     * {@link #pass} over {@code users}; if it is not finite ({@link NonFiniteException}: the loss, or the adaptation
     * data although the loss is finite), each user's rows are passed alone (with its own replica or ΔW) to find the
     * users whose own pass is not finite: they are removed ({@link #stoppedInLastStep}) and the pass is repeated over
     * the others (merged-average: their average ΔW), so the others' step is as if those users had left before it.
     *
     * @throws NonFiniteException if the mixed pass is non-finite although every user's own pass is finite
     */
    private Map<Integer, List<AdaptationData>> isolating(List<Integer> users, List<B> parts) {
        try {
            return pass(users, parts);
        } catch (NonFiniteException e) {
            List<Integer> ok = new ArrayList<>();
            List<B> okParts = new ArrayList<>();
            if (users.size() > 1) {
                for (int i = 0; i < users.size(); i++) {
                    try {
                        pass(List.of(users.get(i)), List.of(parts.get(i)));
                        ok.add(users.get(i));
                        okParts.add(parts.get(i));
                    } catch (NonFiniteException alone) {
                        stop(users.get(i), alone);
                    }
                }
                if (ok.size() == users.size()) {
                    throw new NonFiniteException("server: the mixed batch is non-finite (" + e.getMessage()
                            + ") although every user's own pass is finite");
                }
            } else {
                stop(users.get(0), e);
            }
            return ok.isEmpty() ? new LinkedHashMap<>() : pass(ok, okParts);
        }
    }

    private void stop(int user, NonFiniteException e) {
        stopped.put(user, "server: user " + user + "'s pass alone is non-finite with its "
                + (mode == ColaMode.UNMERGED ? "auxiliaries" : "ΔW") + " (" + e.getMessage()
                + "); the user is removed");
        remove(user);
    }

    /** One forward/backward over the rows of {@code users} (user i's rows = parts.get(i)). */
    private Map<Integer, List<AdaptationData>> pass(List<Integer> users, List<B> parts) {
        B batch = parts.size() == 1 ? parts.get(0) : workload.concat(parts);
        int rows = workload.rows(batch);
        int[] owner = new int[rows], group = new int[rows];
        for (int i = 0, r = 0; i < users.size(); i++) {
            for (int k = 0; k < workload.rows(parts.get(i)); k++, r++) {
                owner[r] = users.get(i);
                group[r] = i;
            }
        }
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        for (int u : users) {
            Map<String, AuxiliaryModel> a = mode == ColaMode.UNMERGED ? replicas.get(u) : deltas.get(u);
            if (a == null) {
                throw new IllegalStateException("server: no "
                        + (mode == ColaMode.UNMERGED ? "replica" : "uploaded delta") + " for user " + u);
            }
            aux.put(u, a);
        }
        String key = "pass-" + users.get(0);
        LossFunction loss = ctx -> {
            Var l = workload.loss(workload.base(), batch, group, ctx);
            ledger.track(device, MemCategory.ACTIVATIONS, key, GraphBytes.activations(l));
            return l;
        };
        if (mode != ColaMode.UNMERGED) ledger.track(device, MemCategory.BUFFERS, "merge-backup",
                AnalyticBytes.mergeBackupBytes(sites, workload.base().dtype()));   // the copy restored bit-exactly
        long t0 = System.nanoTime();
        try {
            return cola.pass(loss, aux, new RowRouting(owner), mode, null).dataByUser();
        } finally {
            passNanos += System.nanoTime() - t0;
            if (mode != ColaMode.UNMERGED) ledger.release(device, MemCategory.BUFFERS, "merge-backup");
            if (ledger.bytes(device, MemCategory.ACTIVATIONS, key) >= 0) {
                ledger.release(device, MemCategory.ACTIVATIONS, key);
            }
            if (mode == ColaMode.MERGED) {
                for (int u : users) deltas.drop(u);
            }
        }
    }
}

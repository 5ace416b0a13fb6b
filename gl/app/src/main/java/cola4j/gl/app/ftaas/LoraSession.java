package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.UserFit;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.Optimizer;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The multi-tenant LoRA baseline: every user's adapters (built from its {@link UserSpec}, so they start exactly
 * like the ColA user's auxiliaries) live on the server and are trained there by backprop on the same mixed batches
 * (grouped loss, so each user's gradient is that of its own mean loss), each user with its own optimizer and its own
 * interval I_u: user u's gradients accumulate over I_u mixed batches before its optimizer steps (the baseline of ColA
 * with interval I_u, whose user fits on I_u buffered batches). Memory, all on device {@code server}: base + all
 * adapters (PARAMETERS), their gradients (GRADIENTS), optimizer states (OPTIMIZER_STATE), the graph (ACTIVATIONS).
 * Nothing is transferred: the users hand over their data and get nothing back until they download the adapter.
 * No isolation: the K users share one loss and one backward, so a non-finite loss or gradient (one user diverging)
 * stops the session for all; {@link #run} then reports every user as stopped ({@link MethodResult#errors}) with the
 * metrics of the adapters at that moment, instead of throwing. (A non-finite loss cannot be attributed to a user
 * without per-user passes; a non-finite gradient could be, but this baseline does not try.)
 */
public final class LoraSession<B> {
    private final TenantWorkload<B> workload;
    private final List<UserSpec> specs;
    private final SessionConfig cfg;
    private final MemoryLedger ledger = new MemoryLedger();
    private final Map<Integer, LinkedHashMap<String, AuxiliaryModel>> auxiliaries = new LinkedHashMap<>();

    public LoraSession(TenantWorkload<B> workload, List<UserSpec> specs, SessionConfig cfg) {
        this.workload = workload;
        this.specs = specs;
        this.cfg = cfg;
    }

    public MemoryLedger ledger() {
        return ledger;
    }

    /** user id → that user's adapters on the server, as trained by the last {@link #run} (empty before). */
    public Map<Integer, LinkedHashMap<String, AuxiliaryModel>> auxiliaries() {
        return auxiliaries;
    }

    public MethodResult run(IntConsumer onStep) {
        long t0 = System.nanoTime();
        Device server = LedgerView.SERVER;
        List<Site> sites = workload.adaptedSites(workload.base());
        auxiliaries.clear();
        for (UserSpec s : specs) auxiliaries.put(s.id(), s.auxiliaries(sites, workload.base().dtype()));
        // LoraTrainer builds optimizers in user order
        Iterator<UserSpec> order = specs.iterator();
        Map<Integer, Integer> intervals = new LinkedHashMap<>();
        for (UserSpec s : specs) intervals.put(s.id(), s.interval());
        LoraTrainer trainer = new LoraTrainer(workload.base(), sites, auxiliaries, p -> order.next().newOptimizer(p),
                null, intervals::get, Double.POSITIVE_INFINITY);
        ledger.track(server, MemCategory.PARAMETERS, "base", bytes(workload.base().namedParameters().values()));
        for (UserSpec s : specs) {
            ledger.track(server, MemCategory.PARAMETERS, "adapters-" + s.id(),
                    bytes(UserFit.parameters(auxiliaries.get(s.id())).values()));
        }
        Map<Integer, Rng> data = new LinkedHashMap<>();
        for (UserSpec s : specs) data.put(s.id(), new Rng(cfg.dataSeed(s.id())));
        Curves curves = new Curves();
        Map<String, String> errors = new LinkedHashMap<>();
        long serverNanos = 0;
        for (int step = 0; step < cfg.steps(); step++) {
            List<B> parts = new ArrayList<>();
            for (UserSpec s : specs) parts.add(workload.sample(s.id(), cfg.rowsPerUser(), data.get(s.id())));
            B batch = workload.concat(parts);
            int rows = workload.rows(batch);
            int[] owner = new int[rows], group = new int[rows];
            for (int r = 0; r < rows; r++) {
                group[r] = r / cfg.rowsPerUser();
                owner[r] = specs.get(group[r]).id();
            }
            long s0 = System.nanoTime();
            try {
                trainer.step(ctx -> {
                    Var l = workload.loss(workload.base(), batch, group, ctx);
                    ledger.track(server, MemCategory.ACTIVATIONS, "graph", GraphBytes.activations(l));
                    return l;
                }, new RowRouting(owner), null);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // a non-finite loss (checked before backward) or gradient norm (checked before each user's
                // optimizer step)
                serverNanos += System.nanoTime() - s0;
                if (ledger.bytes(server, MemCategory.ACTIVATIONS, "graph") >= 0) {
                    ledger.release(server, MemCategory.ACTIVATIONS, "graph");
                }
                String why = "multi-tenant LoRA stopped at step " + (step + 1) + " of " + cfg.steps()
                        + ": " + e.getMessage() + " (one loss and one backward over every user's rows, "
                        + "so one diverging user stops all; metrics are those of the adapters then)";
                for (UserSpec s : specs) {
                    errors.put("user-" + s.id(), why);
                    curves.add(s.id(), step,
                            Evaluation.adapted(workload, workload.base(), s.id(), auxiliaries.get(s.id())));
                }
                break;
            }
            serverNanos += System.nanoTime() - s0;
            ledger.release(server, MemCategory.ACTIVATIONS, "graph");
            long g = 0, opt = 0;
            for (UserSpec s : specs) {
                Optimizer o = trainer.optimizer(s.id());
                for (Var v : o.parameters().values()) if (v.grad() != null) g += v.grad().bytes();
                opt += o.stateBytes();
            }
            ledger.track(server, MemCategory.GRADIENTS, "adapters", g);
            ledger.track(server, MemCategory.OPTIMIZER_STATE, "optimizers", opt);
            if ((step + 1) % cfg.evalEvery() == 0 || step + 1 == cfg.steps()) {
                for (UserSpec s : specs) {
                    curves.add(s.id(), step + 1,
                            Evaluation.adapted(workload, workload.base(), s.id(), auxiliaries.get(s.id())));
                }
            }
            if (onStep != null) onStep.accept(step + 1);
        }
        return new MethodResult("lora", ledger.peak(server), LedgerView.peaksByCategory(ledger, server), 0, 0, 0, 0,
                0, 0, 0, 0, serverNanos / 1e9, 0, 0, (System.nanoTime() - t0) / 1e9, curves.finals(), curves.points(),
                errors, null);
    }

    static long bytes(Iterable<Var> vars) {
        long b = 0;
        for (Var v : vars) b += v.value().bytes();
        return b;
    }
}

package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.baselines.FullFineTuneTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.Model;
import cola4j.tensor.Rng;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The full fine-tuning baseline as a service: the server keeps one full copy of the base model per user and trains
 * each on that user's batch by backprop with the user's own optimizer kind and interval, at learning rate
 * {@link SessionConfig#fullLr} (full fine-tuning needs a smaller one than the adapters). Memory on device
 * {@code server}: K copies (PARAMETERS), K full gradients (GRADIENTS), K optimizer states (OPTIMIZER_STATE), the
 * largest single graph (ACTIVATIONS; users are processed one after another).
 */
public final class FullSession<B> {
    private final TenantWorkload<B> workload;
    private final List<UserSpec> specs;
    private final SessionConfig cfg;
    private final MemoryLedger ledger = new MemoryLedger();

    public FullSession(TenantWorkload<B> workload, List<UserSpec> specs, SessionConfig cfg) {
        this.workload = workload;
        this.specs = specs;
        this.cfg = cfg;
    }

    public MemoryLedger ledger() {
        return ledger;
    }

    public MethodResult run(IntConsumer onStep) {
        long t0 = System.nanoTime();
        Device server = LedgerView.SERVER;
        Map<Integer, Model> models = new LinkedHashMap<>();
        Map<Integer, FullFineTuneTrainer> trainers = new LinkedHashMap<>();
        Map<Integer, Rng> data = new LinkedHashMap<>();
        for (UserSpec s : specs) {
            Model m = workload.copyOfBase();
            UserSpec full = new UserSpec(s.id(), AuxiliaryKind.LINEAR, 1, 1, s.interval(), s.optimizer(), cfg.fullLr(),
                    s.seed());
            FullFineTuneTrainer t = new FullFineTuneTrainer(m, null, full::newOptimizer, null, s.interval(),
                    Double.POSITIVE_INFINITY);
            models.put(s.id(), m);
            trainers.put(s.id(), t);
            data.put(s.id(), new Rng(cfg.dataSeed(s.id())));
            ledger.track(server, MemCategory.PARAMETERS, "model-" + s.id(),
                    LoraSession.bytes(m.namedParameters().values()));
        }
        Curves curves = new Curves();
        long serverNanos = 0;
        for (int step = 0; step < cfg.steps(); step++) {
            for (UserSpec s : specs) {
                B batch = workload.sample(s.id(), cfg.rowsPerUser(), data.get(s.id()));
                int[] group = new int[workload.rows(batch)];
                Model m = models.get(s.id());
                long s0 = System.nanoTime();
                trainers.get(s.id()).step(ctx -> {
                    Var l = workload.loss(m, batch, group, ctx);
                    ledger.track(server, MemCategory.ACTIVATIONS, "graph", GraphBytes.activations(l));
                    return l;
                }, RowRouting.single(s.id(), group.length), null);
                serverNanos += System.nanoTime() - s0;
                ledger.release(server, MemCategory.ACTIVATIONS, "graph");
                long g = 0;
                for (Var v : m.namedParameters().values()) if (v.grad() != null) g += v.grad().bytes();
                ledger.track(server, MemCategory.GRADIENTS, "model-" + s.id(), g);
                ledger.track(server, MemCategory.OPTIMIZER_STATE, "model-" + s.id(),
                        trainers.get(s.id()).optimizer().stateBytes());
            }
            if ((step + 1) % cfg.evalEvery() == 0 || step + 1 == cfg.steps()) {
                for (UserSpec s : specs) {
                    curves.add(s.id(), step + 1, Evaluation.plain(workload, models.get(s.id()), s.id()));
                }
            }
            if (onStep != null) onStep.accept(step + 1);
        }
        return new MethodResult("full", ledger.peak(server), LedgerView.peaksByCategory(ledger, server), 0, 0, 0, 0,
                0, 0, 0, 0, serverNanos / 1e9, 0, 0, (System.nanoTime() - t0) / 1e9, curves.finals(), curves.points(),
                Map.of(), null);
    }
}

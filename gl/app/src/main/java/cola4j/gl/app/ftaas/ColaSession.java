package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.memory.MemoryLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

/**
 * Fine-tuning as a service with ColA, K users, one process. Setup: every user registers with the server; in
 * unmerged mode it uploads its initial auxiliary parameters (the server's replica is built from the upload). A step:
 * <pre>
 *   unmerged, merged-average (one mixed batch):
 *     every active user:       submit one batch of rowsPerUser examples            (server rejects non-finite data)
 *     merged-average, every user: upload ΔW, Δb → server (held until this step's merge)
 *     server:                  step(): forward/backward → (x, dL/dh) per user and site
 *     every user:              transport.down → receive (buffer; GL fit every I batches)
 *                              unmerged, after a fit: upload parameters → server rebuilds the replica
 *   merged (per-user sub-batches), for each active user u in turn:
 *     submit u's batch; upload u's ΔW, Δb; server step() over u's batch alone (ΔW_u merged, pass, weights restored,
 *     ΔW_u dropped); transport.down → u receives
 * </pre>
 * So in merged mode the server holds one user's ΔW at a time: its peak memory is independent of K.
 * Merged-average needs every user's ΔW for the average, so the server holds all K until the step.
 * A user whose data, upload or fit fails is stopped (removed from the server, its error recorded) and the others
 * continue: nothing of a failed user enters a batch afterwards. The server validates what arrives (non-finite data
 * at submit, non-finite or malformed uploads at upload), so a bad batch or ΔW is rejected before it enters a pass
 * or an average; a finite upload that still makes the user's own loss non-finite (a diverged auxiliary) is found by
 * the server when the pass fails (non-finite loss or adaptation data, {@link Server#stoppedInLastStep}) and that user
 * is removed before the step is redone for the others. Unmerged and merged, the others then train exactly as if the
 * user had never joined (their passes never depend on another user's rows or ΔW). Merged-average couples users by
 * design: every pass merges the average of the step's ΔW, so before it was stopped the user's (valid) ΔW shaped the
 * others' passes, and after it the average is over the remaining users; the others end as in a session where the user
 * stopped at that step. A finite ΔW that is merely bad (its own loss stays finite) is not detected and
 * enters the average.
 *
 * @param <B> batch type
 */
public final class ColaSession<B> {
    private final TenantWorkload<B> workload;
    private final List<UserSpec> specs;
    private final SessionConfig cfg;
    private final String method;
    private final MemoryLedger ledger = new MemoryLedger();
    private final Map<Integer, String> errors = new LinkedHashMap<>();
    private LocalServer<B> server;
    private final Map<Integer, LocalUserDevice> devices = new LinkedHashMap<>();
    private final BiFunction<TransferDtype, DType, Transport> transports;
    private Transport transport;

    /** @param method the name reported (e.g. {@code cola-lowrank-merged}) */
    public ColaSession(TenantWorkload<B> workload, List<UserSpec> specs, SessionConfig cfg, String method) {
        this(workload, specs, cfg, method, InProcessTransport::new);
    }

    /**
     * @param transports builds the session's transport from the wire type of adaptation data and the model dtype
     *                   (default {@link InProcessTransport}; e.g. one with a {@link WireTap}, or a fault injector)
     */
    public ColaSession(TenantWorkload<B> workload, List<UserSpec> specs, SessionConfig cfg, String method,
            BiFunction<TransferDtype, DType, Transport> transports) {
        this.workload = workload;
        this.specs = specs;
        this.cfg = cfg;
        this.method = method;
        this.transports = transports;
    }

    public MemoryLedger ledger() {
        return ledger;
    }

    /** The user devices still active after {@link #run}. */
    public Map<Integer, LocalUserDevice> devices() {
        return devices;
    }

    public LocalServer<B> server() {
        return server;
    }

    public Transport transport() {
        return transport;
    }

    /** Runs the session; {@code onStep} is called after each step (progress bars). */
    public MethodResult run(IntConsumer onStep) {
        long t0 = System.nanoTime();
        List<Site> sites = workload.adaptedSites(workload.base());
        server = new LocalServer<>(workload, cfg.mode(), ledger);
        transport = transports.apply(cfg.transfer(), workload.base().dtype());
        Map<Integer, Rng> data = new LinkedHashMap<>();
        for (UserSpec s : specs) {
            server.register(s);
            LocalUserDevice d = new LocalUserDevice(s, workload.base().dtype(), ledger, SiteShape.of(sites),
                    cfg.fitEpochs(), cfg.fitBatch());
            devices.put(s.id(), d);
            data.put(s.id(), new Rng(cfg.dataSeed(s.id())));
            if (cfg.mode() == ColaMode.UNMERGED) server.upload(s.id(), transport.up(s.id(), d.parameters()));
        }
        TransferStats setup = transport.stats();
        Curves curves = new Curves();
        for (int step = 0; step < cfg.steps(); step++) {
            if (cfg.mode() == ColaMode.MERGED) {
                // one user at a time: its ΔW arrives just before its own sub-pass and is dropped right after it, so
                // the server never holds more than one user's deltas (flat in K); the passes are the same as one step
                // over all K queues, since each merged sub-pass sees only its own user's rows and ΔW.
                for (int u : new ArrayList<>(devices.keySet())) {
                    guard(u, () -> server.submit(u, workload.sample(u, cfg.rowsPerUser(), data.get(u))));
                    guard(u, () -> server.upload(u, transport.up(u, devices.get(u).deltas())));
                    deliver(server.step());
                }
            } else {
                for (int u : new ArrayList<>(devices.keySet())) {
                    guard(u, () -> server.submit(u, workload.sample(u, cfg.rowsPerUser(), data.get(u))));
                    if (cfg.mode() == ColaMode.MERGED_AVERAGE) {
                        guard(u, () -> server.upload(u, transport.up(u, devices.get(u).deltas())));
                    }
                }
                deliver(server.step());
            }
            if ((step + 1) % cfg.evalEvery() == 0 || step + 1 == cfg.steps()) {
                for (LocalUserDevice d : devices.values()) {
                    curves.add(d.id(), step + 1,
                            Evaluation.adapted(workload, workload.base(), d.id(), d.auxiliaries()));
                }
            }
            if (onStep != null) onStep.accept(step + 1);
        }
        TransferStats t = transport.stats().minus(setup);
        int n = cfg.steps();
        // analytic payload counts the users that finished (a user stopped at its first submit never sent anything)
        long downAnalytic = AnalyticBytes.downPayloadPerStep(sites, specs.size() - errors.size(), cfg.rowsPerUser(),
                workload.positionsPerRow(), cfg.transfer(), workload.base().dtype());
        List<UserSpec> active = specs.stream().filter(s -> !errors.containsKey(s.id())).toList();
        double upAnalytic = AnalyticBytes.upPayloadPerStep(active, sites, cfg.mode(), n, workload.base().dtype());
        long userNanos = devices.values().stream().mapToLong(LocalUserDevice::fitNanos).sum();
        Map<String, String> errs = new LinkedHashMap<>();
        errors.forEach((u, m) -> errs.put("user-" + u, m));
        return new MethodResult(method, ledger.peak(LedgerView.SERVER),
                LedgerView.peaksByCategory(ledger, LedgerView.SERVER), LedgerView.userPeakMax(ledger),
                (double) t.downTotal() / n, (double) t.downPayload() / n, downAnalytic, (double) t.upTotal() / n,
                (double) t.upPayload() / n, upAnalytic,
                setup.upTotal(), server.passNanos() / 1e9, t.encodeNanos() / 1e9, userNanos / 1e9,
                (System.nanoTime() - t0) / 1e9,
                curves.finals(), curves.points(), errs,
                cfg.mode() == ColaMode.MERGED_AVERAGE ? averagedModelMetrics(sites) : null);
    }

    /**
     * Sends each user its adaptation data; a user that fitted uploads its new parameters (unmerged). Users the server
     * stopped during the step (their own loss was not finite) are stopped here too.
     */
    private void deliver(Map<Integer, List<AdaptationData>> out) {
        server.stoppedInLastStep().forEach((u, why) -> {
            errors.put(u, why);
            devices.remove(u);
        });
        for (Map.Entry<Integer, List<AdaptationData>> e : out.entrySet()) {
            int u = e.getKey();
            guard(u, () -> {
                LocalUserDevice d = devices.get(u);
                boolean fitted = d.receive(transport.down(u, e.getValue())).isPresent();
                if (fitted && cfg.mode() == ColaMode.UNMERGED) server.upload(u, transport.up(u, d.parameters()));
            });
        }
    }

    /** Merged-average: each finishing user's metric on the model that mode serves (base + mean ΔW of those users). */
    private Map<String, Double> averagedModelMetrics(List<Site> sites) {
        Map<String, Double> m = new LinkedHashMap<>();
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        devices.forEach((u, d) -> aux.put(u, d.auxiliaries()));
        for (int u : devices.keySet()) {
            m.put("user-" + u, Evaluation.averagedModel(workload, workload.base(), sites, aux, u));
        }
        return m;
    }

    /** Runs {@code r}; on failure stops user {@code u} and records why. */
    private void guard(int u, Runnable r) {
        if (!devices.containsKey(u)) return;
        try {
            r.run();
        } catch (RuntimeException e) {
            errors.put(u, e.getMessage() == null ? e.toString() : e.getMessage());
            server.remove(u);
            devices.remove(u);
        }
    }
}

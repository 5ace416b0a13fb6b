package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.AnalyticBytes;
import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LedgerView;
import cola4j.gl.app.ftaas.LocalUserDevice;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.models.data.DigitShift;
import cola4j.models.site.Site;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cola ftaas --transport grpc}: the ColA session of {@code cola ftaas} run as a {@link LoopbackSession} (real
 * sockets on 127.0.0.1 inside this JVM) and reported as the same {@link MethodResult} row, plus the bytes measured on
 * the sockets ({@link MethodResult.Wire}). Differences from the in-process row: the curves hold only the final metric
 * (the server sees the users' parameters at the end, not every few steps); transfer time is inside the step time.
 */
public final class GrpcSession {
    private GrpcSession() {}

    /**
     * @param w     the served workload; the users in this JVM draw their rows from its generators (as in-process)
     * @param model its name (mlp, encoder, decoder, seq2seq)
     */
    public static <B> MethodResult run(TenantWorkload<B> w, List<UserSpec> specs, SessionConfig cfg, String method,
                                       String model, long stepTimeoutMs) throws Exception {
        return run(w, specs, cfg, method, model, stepTimeoutMs, null);
    }

    /** As above; {@code knowledge} (or null) records what the server and every user decode. */
    public static <B> MethodResult run(TenantWorkload<B> w, List<UserSpec> specs, SessionConfig cfg, String method,
                                       String model, long stepTimeoutMs, KnowledgeLedger knowledge) throws Exception {
        long t0 = System.nanoTime();
        List<String> kinds = w instanceof DigitsTenants ? DigitShift.KINDS : List.of();
        LoopbackSession.Result r = LoopbackSession.run(w, info -> w, specs, cfg, model, kinds, stepTimeoutMs, Map.of(),
                knowledge);
        int n = cfg.steps();
        List<Site> sites = w.adaptedSites(w.base());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (UserResult u : r.host().users()) {
            String key = "user-" + u.user();
            if (u.status().equals("finished") && u.value() != null) {
                metrics.put(key, u.value());
                curves.put(key, List.of(new double[] {n, u.value()}));
            } else {
                errors.put(key, u.status() + (u.reason() == null ? "" : ": " + u.reason()));
            }
        }
        r.failures().forEach((u, why) -> errors.putIfAbsent("user-" + u, why));
        List<UserSpec> active = specs.stream().filter(s -> !errors.containsKey("user-" + s.id())).toList();
        HostOutcome.Traffic tr = r.host().traffic();
        long userNanos = r.devices().values().stream().mapToLong(LocalUserDevice::fitNanos).sum();
        return new MethodResult(method, r.ledger().peak(LedgerView.SERVER),
                LedgerView.peaksByCategory(r.ledger(), LedgerView.SERVER), LedgerView.userPeakMax(r.ledger()),
                (double) tr.down() / n, (double) (tr.down() - tr.downHeader()) / n,
                AnalyticBytes.downPayloadPerStep(sites, active.size(), cfg.rowsPerUser(), w.positionsPerRow(),
                        cfg.transfer(), w.base().dtype()),
                (double) tr.up() / n, (double) (tr.up() - tr.upHeader()) / n,
                AnalyticBytes.upPayloadPerStep(active, sites, cfg.mode(), n, w.base().dtype()), tr.setupUp(),
                r.passNanos() / 1e9, 0, userNanos / 1e9, (System.nanoTime() - t0) / 1e9, metrics, curves, errors, null,
                new MethodResult.Wire("grpc", (double) r.wireDown() / n, (double) r.wireUp() / n,
                        (double) tr.batches() / n));
    }
}

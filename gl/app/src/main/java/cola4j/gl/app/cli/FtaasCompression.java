package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.CompressedTransport;
import cola4j.gl.app.ftaas.GradCompression;
import cola4j.gl.app.ftaas.InProcessTransport;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LedgerTransport;
import cola4j.gl.app.ftaas.Transport;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Progress;
import cola4j.gl.app.ftaas.ResultTable;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code cola ftaas --compress topk:K|proj:M}: the ColA session sends dL/dh compressed ({@link GradCompression},
 * {@link CompressedTransport}), and an uncompressed ColA session with the same users, data and seeds runs beside it
 * as the reference. Printed and in the JSON ({@code compression}): down bytes per step of both, mean metric of both,
 * and the distance of the compressed run's final auxiliary parameters from the reference's,
 * ‖θ_c − θ_ref‖ / ‖θ_ref‖ over every finishing user's parameters.
 */
final class FtaasCompression {
    private FtaasCompression() {}

    static void addOptions(Options o) {
        o.addOption(org.apache.commons.cli.Option.builder().longOpt("ledger").desc("print who knows what: every"
                + " tensor the server and each user received (ColA session; in-process or grpc)").build());
        o.addOption(FtaasCommand.opt("compress", "none|topk:K|proj:M", "compress dL/dh on the wire: the K largest"
                + " entries per row, or a seeded random projection to M dims (K, M in [1, " + GradCompression.MAX_PARAM
                + "]); runs an uncompressed reference beside it (default none)"));
    }

    /** The codec of {@code --compress} (seeded by {@code --seed}); usage errors for bad specs and combinations. */
    static GradCompression parse(CommandLine cl, long seed, String transport, TransferDtype transfer) {
        GradCompression c;
        try {
            c = GradCompression.parse(cl.getOptionValue("compress", "none"), seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--compress: " + e.getMessage());
        }
        if (c.kind() == GradCompression.Kind.NONE) return c;
        if (!transport.equals("inprocess")) throw new UsageException("--compress needs --transport inprocess");
        if (transfer != TransferDtype.NATIVE) throw new UsageException("--compress needs --transfer-dtype float32");
        return c;
    }

    /**
     * The ColA session of {@code cola ftaas}: its transport compresses dL/dh with {@code c} (none: the plain
     * in-process transport) and, with {@code knowledge} (or null), records what every party decodes.
     */
    static ColaSession<?> session(TenantWorkload<?> w, List<UserSpec> specs, SessionConfig cfg, String method,
            GradCompression c, KnowledgeLedger knowledge) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        w.adaptedSites(w.base()).forEach(s -> widths.put(s.name(), s.outFeatures()));
        return new ColaSession<>(w, specs, cfg, method, (t, d) -> {
            Transport base = c.kind() == GradCompression.Kind.NONE ? new InProcessTransport(t, d)
                    : new CompressedTransport(c, d, widths);
            return knowledge == null ? base : new LedgerTransport(base, knowledge);
        });
    }

    /** {@code r} with the compressed analytic down payload of its finishing users. */
    static MethodResult withAnalytic(TenantWorkload<?> w, SessionConfig cfg, MethodResult r, GradCompression c) {
        return r.withDownBytesAnalytic(CompressedTransport.downPayloadPerStep(w.adaptedSites(w.base()),
                r.metrics().size(), cfg.rowsPerUser(), w.positionsPerRow(), c, w.base().dtype()));
    }

    /** Runs the uncompressed reference, prints the comparison and returns the {@code compression} JSON object. */
    static Map<String, Object> compare(TenantWorkload<?> w, List<UserSpec> specs, SessionConfig cfg,
            ColaSession<?> compressed, MethodResult result, GradCompression c, Io io) {
        ColaSession<?> ref = new ColaSession<>(w, specs, cfg, "reference");
        MethodResult r;
        try (Progress p = new Progress(io.err(), "uncompressed reference", cfg.steps())) {
            r = ref.run(p.onStep());
        }
        double diff = 0, norm = 0;
        for (var e : ref.devices().entrySet()) {
            var mine = compressed.devices().get(e.getKey());
            if (mine == null) continue;
            LinkedHashMap<String, Tensor> a = e.getValue().parameters(), b = mine.parameters();
            for (var p : a.entrySet()) {
                double[] x = p.getValue().toDoubleArray(), y = b.get(p.getKey()).toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    diff += (y[i] - x[i]) * (y[i] - x[i]);
                    norm += x[i] * x[i];
                }
            }
        }
        double distance = Math.sqrt(diff / norm);
        io.out().printf("compression %s: down %s/step (payload %s) vs uncompressed %s (payload %s); mean %s %.4f vs"
                + " %.4f; final parameters' relative distance from uncompressed ColA %.4g%n", c.spec(),
                ResultTable.bytes((long) result.downBytesPerStep()),
                ResultTable.bytes((long) result.downPayloadPerStep()),
                ResultTable.bytes((long) r.downBytesPerStep()), ResultTable.bytes((long) r.downPayloadPerStep()),
                w.metricName(), result.meanMetric(), r.meanMetric(), distance);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("codec", c.spec());
        out.put("down_bytes_per_step", result.downBytesPerStep());
        out.put("down_payload_per_step", result.downPayloadPerStep());
        out.put("reference_down_bytes_per_step", r.downBytesPerStep());
        out.put("reference_down_payload_per_step", r.downPayloadPerStep());
        out.put("mean_metric", result.meanMetric());
        out.put("reference_mean_metric", r.meanMetric());
        out.put("reference_metrics", r.metrics());
        out.put("parameter_relative_distance", distance);
        return out;
    }
}

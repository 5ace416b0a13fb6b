package cola4j.gl.app.bench;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.LedgerView;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserPattern;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.grpc.LoopbackSession;
import cola4j.gl.app.ftaas.grpc.UserResult;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.data.DigitShift;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench serve}: the networked session under load, over loopback sockets in this JVM
 * ({@link LoopbackSession}: one gRPC server, K user threads with their own channels and tokens, a byte-counting
 * relay between them). Digits MLP, low-rank users (r 8, AdamW, lr 0.02), in unmerged and merged mode. Per row: step
 * throughput (steps over the summed step times, session setup excluded) and latency (p50, p99 of the server's step wall
 * time, waiting for the users included), the server's peak bytes, the socket bytes per step, uploads sent but not
 * applied, and skipped user-steps.
 */
public final class ServeBench extends BenchCommand<ServeBench.Row> {
    /** One session. */
    @JsonPropertyOrder({"mode", "users", "steps", "steps_per_s", "p50_step_ms", "p99_step_ms", "server_bytes",
            "wire_bytes_per_step", "lost_uploads", "skipped"})
    public record Row(@JsonProperty("mode") String mode, @JsonProperty("users") int users,
                      @JsonProperty("steps") int steps, @JsonProperty("steps_per_s") double stepsPerS,
                      @JsonProperty("p50_step_ms") double p50StepMs, @JsonProperty("p99_step_ms") double p99StepMs,
                      @JsonProperty("server_bytes") long serverBytes,
                      @JsonProperty("wire_bytes_per_step") double wireBytesPerStep,
                      @JsonProperty("lost_uploads") long lostUploads, @JsonProperty("skipped") int skipped) {}

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String description() {
        return "the gRPC FTaaS server under K users on loopback: steps/s, p50/p99 step ms, server bytes, "
                + "wire bytes, losses";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("users").hasArg().argName("K1,K2,...")
                .desc("user counts (default 1,4,16,64; at most 256)").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("S")
                .desc("server steps per session (default 20)").build());
        o.addOption(Option.builder().longOpt("rows").hasArg().argName("B")
                .desc("rows per user per step (default 16)").build());
        o.addOption(Option.builder().longOpt("modes").hasArg().argName("M1,M2")
                .desc("unmerged,merged (default both)").build());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) throws Exception {
        int[] users = Args.intList(cl, "users", new int[] {1, 4, 16, 64}, 1, 256);
        int steps = Args.intValue(cl, "steps", 20, 1, Limits.MAX_STEPS);
        int rows = Args.intValue(cl, "rows", 16, 1, Limits.MAX_BATCH);
        List<ColaMode> modes = new ArrayList<>();
        for (String m : cl.getOptionValue("modes", "unmerged,merged").split(",")) {
            ColaMode mode = ColaMode.parse(m.trim());
            if (mode == ColaMode.MERGED_AVERAGE) throw new UsageException("--modes: unmerged or merged");
            modes.add(mode);
        }
        DigitsTenants w = FtaasModels.digits(100, 0, DigitShift.KINDS, null);
        List<Row> out = new ArrayList<>();
        for (ColaMode mode : modes) {
            for (int k : users) {
                io.err().println("bench serve: " + mode.cliName() + ", " + k + " users, " + steps + " steps...");
                List<UserSpec> specs = UserPattern.uniform(AuxiliaryKind.LOWRANK, 8, 1, OptimizerKind.ADAMW, 0.02)
                        .cycle(k, 32, 1);
                SessionConfig cfg = new SessionConfig(steps, rows, mode, TransferDtype.NATIVE, steps, 0, 2e-3);
                LoopbackSession.Result r = LoopbackSession.run(w, info -> w.data(), specs, cfg, "mlp", DigitShift.KINDS,
                        60_000, Map.of());
                double seconds = r.host().stepMillis().stream().mapToDouble(Double::doubleValue).sum() / 1e3;
                double[] ms = r.host().stepMillis().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                int skipped = r.host().users().stream().mapToInt(UserResult::skipped).sum();
                out.add(new Row(mode.cliName(), k, steps, steps / seconds, quantile(ms, 0.5), quantile(ms, 0.99),
                        r.ledger().peak(LedgerView.SERVER), (double) (r.wireUp() + r.wireDown()) / steps,
                        r.uploadsSent() - r.host().uploadsApplied(), skipped));
            }
        }
        return out;
    }

    /** The q-quantile of sorted values (nearest rank). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("mode", "users", "steps", "steps/s", "p50 step ms", "p99 step ms", "server bytes",
                "wire bytes/step", "lost uploads", "skipped");
        for (Row r : rows) {
            t.row(r.mode(), Integer.toString(r.users()), Integer.toString(r.steps()),
                    String.format("%.2f", r.stepsPerS()),
                    String.format("%.1f", r.p50StepMs()), String.format("%.1f", r.p99StepMs()),
                    Long.toString(r.serverBytes()), String.format("%.0f", r.wireBytesPerStep()),
                    Long.toString(r.lostUploads()), Integer.toString(r.skipped()));
        }
        return t;
    }
}

package cola4j.gl.app.cli;

import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.ResultTable;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import cola4j.gl.cola.ColaMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code cola ftaas} reports of a finished session: the table of metrics, bytes and time per method on stdout
 * ({@link #print}) and the {@code --json} document ({@link #writeJson}).
 */
final class FtaasReport {
    private FtaasReport() {}

    /**
     * The session's settings as the JSON reports them.
     *
     * @param users     K
     * @param model     mlp, a transformer family or hf:DIR
     * @param data      hf:DIR: one data file per user, else null
     * @param taskType  hf:DIR: the task type, else null
     * @param preset    a preset transformer's preset, else null
     * @param sites     a transformer's adapted site suffixes, null for the mlp
     * @param mode      ColA mode
     * @param transport inprocess or grpc
     * @param transfer  element type of the adaptation data on the wire
     * @param steps     server steps
     * @param fitEpochs users' passes over each buffer
     * @param fitBatch  users' rows per step within a pass
     */
    record Settings(int users, String model, List<Path> data, String taskType, String preset, List<String> sites,
                    ColaMode mode, String transport, TransferDtype transfer, int steps, int fitEpochs,
                    int fitBatch) {}

    /** Writes the {@code --json} document atomically (optional parts null when absent). */
    static void writeJson(Path json, Settings st, TenantWorkload<?> w, List<UserSpec> specs, List<MethodResult> results,
                          Map<String, Object> shapley, Map<String, Object> compression, KnowledgeLedger knowledge)
            throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", st.users());
        out.put("model", st.model());
        if (st.data() != null) {
            out.put("data", st.data().stream().map(Path::toString).toList());
            out.put("task_type", st.taskType());
        }
        if (st.preset() != null) out.put("preset", st.preset());
        if (st.sites() != null) {
            out.put("sites", st.sites());
            out.put("token_rows_per_example", w.positionsPerRow());
        }
        out.put("mode", st.mode().cliName());
        out.put("transport", st.transport());
        out.put("transfer_dtype", st.transfer().cliName());
        out.put("steps", st.steps());
        out.put("fit_epochs", st.fitEpochs());
        out.put("fit_batch", st.fitBatch());
        out.put("user_specs", specs.stream().map(FtaasReport::specJson).toList());
        out.put("base_metrics", baseMetrics(w, specs));
        out.put("methods", results);
        if (shapley != null) out.put("user_shapley", shapley);
        if (compression != null) out.put("compression", compression);
        if (knowledge != null) out.put("knowledge_violations", knowledge.violations());
        JsonFiles.writeAtomic(json, out);
    }

    /** One user's settings as JSON. */
    static Map<String, Object> specJson(UserSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", "user-" + s.id());
        m.put("aux", s.auxType().cliName());
        m.put("rank", s.rank());
        m.put("lora_variant", s.loraVariant().cliName());
        m.put("mlp_hidden", s.mlpHidden());
        m.put("interval", s.interval());
        m.put("optimizer", s.optimizer().cliName());
        m.put("lr", s.lr());
        m.put("seed", s.seed());
        return m;
    }

    static Map<String, Double> baseMetrics(TenantWorkload<?> w, List<UserSpec> specs) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (UserSpec s : specs) m.put("user-" + s.id(), Evaluation.plain(w, w.base(), s.id()));
        return m;
    }

    static void print(Io io, TenantWorkload<?> w, List<UserSpec> specs, List<MethodResult> results,
            TransferDtype transfer) {
        List<String> users = specs.stream().map(s -> "user-" + s.id()).toList();
        Table t = new Table(ResultTable.headers(users).toArray(String[]::new));
        t.row(ResultTable.row("base", baseMetrics(w, specs), users, null).toArray(String[]::new));
        for (MethodResult r : results) {
            t.row(ResultTable.row(r.method(), r.metrics(), users, r).toArray(String[]::new));
            // merged-average: also the model that mode serves to everyone (base + mean ΔW), metrics only
            if (r.averagedModelMetrics() != null) {
                t.row(ResultTable.row("  served: base + mean ΔW", r.averagedModelMetrics(), users, null)
                        .toArray(String[]::new));
            }
        }
        io.out().println("tasks: "
                + String.join(", ", specs.stream()
                        .map(s -> "user-" + s.id() + " " + w.taskName(s.id()) + " (" + s.auxType() + ")").toList())
                + "; metric " + w.metricName() + "; adaptation data on the wire: " + transfer.cliName()
                + (w.positionsPerRow() > 1
                        ? " (" + w.positionsPerRow() + " token rows per example, padding included)" : ""));
        io.out().println("users: "
                + String.join(", ", specs.stream().map(s -> "user-" + s.id() + " " + s.describe()).toList())
                + " (LoRA: the same with lowrank adapters)");
        t.print(io.out());
        for (MethodResult r : results) {
            if (r.wire() == null) continue;
            io.out().printf("%s over gRPC, measured on the sockets per step: down %s (messages %s), up %s (uploads %s +"
                    + " training rows %s; the rest is HTTP/2 and gRPC framing)%n", r.method(),
                    ResultTable.bytes((long) r.wire().downBytesPerStep()),
                    ResultTable.bytes((long) r.downBytesPerStep()),
                    ResultTable.bytes((long) r.wire().upBytesPerStep()), ResultTable.bytes((long) r.upBytesPerStep()),
                    ResultTable.bytes((long) r.wire().upRowsPerStep()));
        }
        for (MethodResult r : results) {
            r.errors().forEach((u, e) -> io.err().println("cola: " + r.method() + ": " + u + " was stopped: " + e));
        }
    }
}

package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.ServingMethod;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.grpc.GrpcSession;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.GradCompression;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LoraSession;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.io.Progress;
import cola4j.gl.app.ftaas.ResultTable;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserPattern;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola ftaas}: one fine-tuning-as-a-service session with K users on a pretrained base, ColA as configured
 * next to the multi-tenant LoRA baseline; prints server bytes by category, the largest user device, bytes per step
 * each way (analytic payload beside), the time split and every user's metric.
 *
 * <p>Models: {@code mlp} (digits) or a transformer family {@code encoder}, {@code decoder}, {@code seq2seq} at
 * {@code --preset tiny|small}; every base comes from the pretraining cache, trained on first use. Or {@code hf:DIR}
 * with one data file per user ({@link FtaasHf}). For sequences the
 * adaptation data has B × T token rows per site (T the padded length; padded positions are sent too). Users' default
 * learning rate: 0.02 for the MLP, 0.03 for the transformers (decoder small, K = 4, 100 steps, 32 rows: mean exact
 * match of multi-tenant LoRA 0.252 at lr 0.01, 0.448 at lr 0.03; base 0.015).
 *
 * <p>Users: {@code --aux}, {@code --rank}, {@code --interval}, {@code --optimizer} and {@code --lr} are
 * {@link UserPattern}s ({@code v1~v2~…}, user k gets entry k mod n of each); the LoRA baseline gives every user the
 * same rank, interval, optimizer and lr with a low-rank adapter. A bad entry is a usage error naming the option (exit
 * 2), as is a {@code --json} path that cannot be written (checked before the run; missing parent
 * directories are created).
 */
public final class FtaasCommand implements Command {
    @Override
    public String name() {
        return "ftaas";
    }

    @Override
    public String description() {
        return "Fine-tuning as a service: K users on one server, ColA vs multi-tenant LoRA (bytes, "
                + "traffic, time, metrics)";
    }

    /**
     * Default users' learning rate: the MLP's, and the transformers' (tuned on decoder small, see the class comment).
     */
    static final double MLP_LR = 0.02, TRANSFORMER_LR = 0.03;

    @Override
    public Options options() {
        Options o = new Options()
                .addOption(opt("model", "M", "base model: " + String.join(", ", FtaasModels.MODELS)
                        + " (default mlp), or hf:DIR (a Hugging Face directory; needs --data and --task-type)"))
                .addOption(opt("preset", "tiny|small", "size of a transformer base (default small; ignored for mlp)"))
                .addOption(opt("sites", "S1,S2,...", "adapted site-name suffixes of a transformer (default "
                        + String.join(",", FtaasModels.TRANSFORMER_SITES) + "; mlp: every layer)"))
                .addOption(opt("users", "K", "number of users (default 4)"))
                .addOption(opt("aux", "PATTERN", "auxiliary types cycled over users, e.g. lowrank~linear "
                        + "(lowrank, linear, mlp, or embedding on token-embedding sites; default lowrank)."
                        + " --aux, --rank, --interval, --optimizer and --lr all take v1~v2~...:"
                        + " user k gets entry k mod n of each"))
                .addOption(Option.builder().longOpt("merged")
                        .desc("merge each user's ΔW into the base, per-user sub-batches").build())
                .addOption(Option.builder().longOpt("merged-average")
                        .desc("merge the average ΔW of the batch's users once").build())
                .addOption(opt("interval", "I[~I...]",
                        "adaptation interval per user: batches per user step, e.g. 1~2 (default 1)"))
                .addOption(opt("steps", "N", "server steps (default 200)"))
                .addOption(opt("rows", "B", "examples per user per step (default 32)"))
                .addOption(opt("rank", "R[~R...]", "LoRA rank of lowrank auxiliaries per user, e.g. 4~8 (default 8)"))
                .addOption(opt("optimizer", "O[~O...]", "users' optimizers: "
                        + String.join(", ", OptimizerKind.names()) + ", e.g. sgd~adamw (default adamw;"
                        + " sgd has momentum 0.9; the same optimizer trains the user's LoRA adapter)"))
                .addOption(opt("lr", "LR[~LR...]", "users' learning rates (default " + MLP_LR + " for mlp, "
                        + TRANSFORMER_LR + " for transformers)"))
                .addOption(opt("transport", "inprocess|grpc",
                        "how the ColA server and users talk: in this process (default) or"
                        + " gRPC over loopback sockets in this JVM (wire bytes measured)"))
                .addOption(opt("transfer-dtype", "float32|bf16",
                        "element type of adaptation data on the wire (default float32)"))
                .addOption(opt("fit-epochs", "E", "ColA users' passes over each interval's buffer, 1-1000"
                        + " (default 1 = Gradient Learning exactly; in-process transport only)"))
                .addOption(opt("fit-batch", "ROWS", "ColA users' rows per optimizer step within a pass"
                        + " (default 0 = the whole buffer)"))
                .addOption(opt("seed", "S", "seed of base, users and data (default 0)"))
                .addOption(opt("pretrain-steps", "N", "pretraining steps of the base (default 300 for mlp; "
                        + "transformers: the family's tuned default)"))
                .addOption(opt("eval", "N",
                        "held-out examples per user evaluation of a transformer task (default 256)"))
                .addOption(opt("cache", "DIR", "pretrained-checkpoint cache (default $COLA_CACHE or .cache/cola4j)"))
                .addOption(opt("json", "FILE",
                        "also write the results as JSON (atomically; missing parent directories are created;"
                        + " checked before the run: a path that cannot be written is a usage error)"));
        FtaasShapley.addOptions(o);
        FtaasHf.addOptions(o);
        FtaasCompression.addOptions(o);
        return o;
    }

    static Option opt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        boolean hf = FtaasHf.isHf(cl);
        List<Path> dataFiles = FtaasHf.validate(cl, hf);
        String model = hf ? cl.getOptionValue("model") : Args.choice(cl, "model", "mlp", FtaasModels.MODELS);
        boolean mlp = model.equals("mlp");
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        int users = Args.intValue(cl, "users", hf ? Math.min(dataFiles.size(), Limits.MAX_USERS) : 4, 1,
                Limits.MAX_USERS);
        ColaMode mode = mode(cl);
        int steps = Args.intValue(cl, "steps", 200, 1, Limits.MAX_STEPS);
        int rows = Args.intValue(cl, "rows", 32, 1, Limits.MAX_BATCH);
        int seed = Args.seed(cl, "seed", 0), eval = Args.intValue(cl, "eval", 256, 1, Limits.MAX_EVAL);
        Integer pre = cl.hasOption("pretrain-steps") ? Args.intValue(cl, "pretrain-steps", 300, mlp ? 0 : 1,
                Limits.MAX_STEPS) : null;
        List<AuxiliaryKind> auxChoice = pattern(cl, "aux", "lowrank", FtaasEmbedding::parse);
        FtaasEmbedding.requireModel(auxChoice, mlp);
        if (hf) FtaasHf.requireAux(auxChoice);
        UserPattern pattern = new UserPattern(FtaasEmbedding.asUserChoices(auxChoice),
                pattern(cl, "rank", "8", p -> UserPattern.ints(p, 1, Limits.MAX_RANK)),
                pattern(cl, "interval", "1", p -> UserPattern.ints(p, 1, Limits.MAX_INTERVAL)),
                pattern(cl, "optimizer", "adamw", p -> UserPattern.words(p, OptimizerKind::parse)),
                pattern(cl, "lr", Double.toString(mlp ? MLP_LR : TRANSFORMER_LR),
                        p -> UserPattern.positives(p, Limits.MAX_LR)));
        String aux = String.join("~", auxChoice.stream().map(AuxiliaryKind::cliName).toList());
        String transport = Args.choice(cl, "transport", "inprocess", List.of("inprocess", "grpc"));
        TransferDtype transfer = TransferDtype.parse(Args.choice(cl, "transfer-dtype", "float32",
                List.of("float32", "bf16")));
        int fitEpochs = Args.intValue(cl, "fit-epochs", 1, 1, UserFitConfig.MAX_EPOCHS);
        int fitBatch = Args.intValue(cl, "fit-batch", 0, 0, Limits.MAX_BATCH);
        if ((fitEpochs > 1 || fitBatch > 0) && transport.equals("grpc")) {
            throw new UsageException("--fit-epochs/--fit-batch run with --transport inprocess only");
        }
        Path json = Args.path(cl, "json"), cacheDir = Args.path(cl, "cache");
        List<String> sites = hf ? FtaasHf.sites(cl, model) : cl.hasOption("sites") || mlp ? sites(cl, mlp)
                : FtaasEmbedding.defaultSites(auxChoice, FtaasModels.TRANSFORMER_SITES);
        String tooBig = SessionLimits.sizeProblem(users, rows, steps, pattern.ranks());
        if (tooBig != null) throw new UsageException(tooBig);
        List<UserSpec> specs = pattern.cycle(users, 32, seed * 100L + 1);
        if (mode != ColaMode.UNMERGED && specs.stream().anyMatch(s -> !s.mergeable())) {
            throw new UsageException("--" + mode.cliName()
                    + " needs linear auxiliaries (lowrank, linear), got --aux " + aux);
        }
        int shapleyPermutations = FtaasShapley.validate(cl, mode, transport);
        GradCompression codec = FtaasCompression.parse(cl, seed, transport, transfer);
        if (json != null) requireWritable(json);
        if (!hf) {
            FtaasChecks.requireRanksFit(specs, FtaasChecks.freshSites(model, preset, seed, sites),
                    mlp ? model : model + " " + preset);
        }
        TenantWorkload<?> w = hf ? FtaasHf.workload(model, dataFiles, FtaasHf.taskType(cl), seed, sites, eval, io)
                : workload(model, preset, seed, pre, sites, eval, cacheDir, io);
        FtaasEmbedding.requireSites(auxChoice, w);
        SessionConfig cfg = new SessionConfig(steps, rows, mode, transfer, Math.max(1, steps / 10), seed, 2e-3)
                .withFit(fitEpochs, fitBatch);
        requireHeap("ftaas", SessionLimits.estimate(w, specs, ServingMethod.cola(mode), rows), "", io);
        List<MethodResult> results = new ArrayList<>();
        Map<String, Object> shapley = null, compression = null;
        KnowledgeLedger knowledge = cl.hasOption("ledger") ? new KnowledgeLedger() : null;
        String method = "cola-" + aux + "-" + mode.cliName();
        if (transport.equals("grpc")) {
            io.err().println(method + " over gRPC (loopback sockets, " + users + " user channels)...");
            results.add(GrpcSession.run(w, specs, cfg, method, model, 60_000, knowledge));
        } else {
            if (codec.kind() != GradCompression.Kind.NONE) method += "-" + codec.spec();
            ColaSession<?> session = FtaasCompression.session(w, specs, cfg, method, codec, knowledge);
            try (Progress p = new Progress(io.err(), method, steps)) {
                results.add(session.run(p.onStep()));
                session.server().capped()
                        .forEach((u, n) -> io.err().println("cola: merged-average: user-" + u + "'s ΔW was"
                        + " scaled down to the norm cap (‖ΔW‖ ≤ 100·‖W‖ per site) in " + n + " upload(s)"));
            }
            if (codec.kind() != GradCompression.Kind.NONE) {
                results.set(0, FtaasCompression.withAnalytic(w, cfg, results.get(0), codec));
                compression = FtaasCompression.compare(w, specs, cfg, session, results.get(0), codec, io);
            }
            if (shapleyPermutations > 0) shapley = FtaasShapley.run(w, session, shapleyPermutations, seed, io);
        }
        try (Progress p = new Progress(io.err(), "lora (multi-tenant)", steps)) {
            results.add(new LoraSession<>(w, specs.stream().map(s -> s.withAux(AuxiliaryKind.LOWRANK)).toList(), cfg)
                    .run(p.onStep()));
        }
        print(io, w, specs, results, transfer);
        if (knowledge != null) knowledge.print(io.out());
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("users", users);
            out.put("model", model);
            if (hf) {
                out.put("data", dataFiles.stream().map(Path::toString).toList());
                out.put("task_type", FtaasHf.taskType(cl).cliName());
            }
            if (!mlp) {
                if (!hf) out.put("preset", preset);
                out.put("sites", sites);
                out.put("token_rows_per_example", w.positionsPerRow());
            }
            out.put("mode", mode.cliName());
            out.put("transport", transport);
            out.put("transfer_dtype", transfer.cliName());
            out.put("steps", steps);
            out.put("fit_epochs", fitEpochs);
            out.put("fit_batch", fitBatch);
            out.put("user_specs", specs.stream().map(FtaasCommand::specJson).toList());
            out.put("base_metrics", baseMetrics(w, specs));
            out.put("methods", results);
            if (shapley != null) out.put("user_shapley", shapley);
            if (compression != null) out.put("compression", compression);
            if (knowledge != null) out.put("knowledge_violations", knowledge.violations());
            JsonFiles.writeAtomic(json, out);
        }
        boolean claims = knowledge == null || knowledge.violations().isEmpty();
        return claims && results.stream().allMatch(r -> r.errors().isEmpty()) ? 0 : 1;
    }

    /** The ColA mode of {@code --merged} / {@code --merged-average} (unmerged without either; both: usage error). */
    static ColaMode mode(CommandLine cl) {
        if (cl.hasOption("merged") && cl.hasOption("merged-average")) {
            throw new UsageException("--merged and --merged-average exclude each other");
        }
        return cl.hasOption("merged") ? ColaMode.MERGED : cl.hasOption("merged-average")
                ? ColaMode.MERGED_AVERAGE : ColaMode.UNMERGED;
    }

    /** {@code --sites} of a transformer (default {@link FtaasModels#TRANSFORMER_SITES}); a usage error for the mlp. */
    static List<String> sites(CommandLine cl, boolean mlp) {
        if (mlp && cl.hasOption("sites")) {
            throw new UsageException("--sites applies to transformer models; the mlp adapts every layer");
        }
        return cl.hasOption("sites")
                ? Arrays.stream(cl.getOptionValue("sites").split(",")).map(String::trim).toList()
                : FtaasModels.TRANSFORMER_SITES;
    }

    /**
     * The served workload: the digits MLP ({@code pre} steps, default 300; 0: untrained) or a transformer family
     * ({@code pre} null: the family's tuned default), each base loaded from the pretraining cache when it is there.
     */
    static TenantWorkload<?> workload(String model, String preset, int seed, Integer pre, List<String> sites, int eval,
                                      Path cacheDir, Io io) throws IOException {
        PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
        if (model.equals("mlp")) {
            int steps0 = pre == null ? 300 : pre;
            if (steps0 == 0) return FtaasModels.create(model, 0, seed, null);
            if (FtaasModels.digitsInCache(cache, steps0, seed)) {
                return FtaasModels.digitsCached(cache, steps0, seed, null, io.err()); // no progress bar for a load
            }
            try (Progress p = new Progress(io.err(), "pretrain " + model, steps0)) {
                return FtaasModels.digitsCached(cache, steps0, seed, p.onStep(), io.err());
            }
        }
        try {
            // the sites depend only on the architecture: checked on a fresh model before any pretraining
            Workloads.create(model, preset, DType.FLOAT32, seed).model()
                    .sites(SiteSelector.suffixes(sites.toArray(String[]::new)));
            return FtaasModels.transformer(model, preset, seed, pre, sites, eval, cache, io.err());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sites: " + e.getMessage());
        }
    }

    /**
     * Refuses (one line, exit 2) a session whose estimated memory exceeds the heap; prints the estimate as
     * {@code cola <command>: memory estimate … (what), heap …}.
     */
    static void requireHeap(String command, long bytes, String what, Io io) {
        HeapCheck.require(command, bytes, what, "fewer users, a smaller rank", io);
    }

    /** A value of a {@code ~} pattern option; its parse error as a usage error naming the option. */
    private static <T> List<T> pattern(CommandLine cl, String opt, String dflt, Function<String, List<T>> parse) {
        try {
            return parse.apply(cl.getOptionValue(opt, dflt));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + opt + ": " + e.getMessage());
        }
    }

    /** Fails before the run if the JSON cannot be written ({@link OutputPaths#requireWritableFile}). */
    static void requireWritable(Path json) {
        OutputPaths.requireWritableFile("json", json);
    }

    /** One user's settings as JSON. */
    static Map<String, Object> specJson(UserSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", "user-" + s.id());
        m.put("aux", s.auxType().cliName());
        m.put("rank", s.rank());
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

    private static void print(Io io, TenantWorkload<?> w, List<UserSpec> specs, List<MethodResult> results,
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

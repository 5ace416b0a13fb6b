package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;

import cola4j.gl.cola.ColaMode;
import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.ServingMethod;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.grpc.GrpcSession;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.GradCompression;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LoraSession;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.io.Progress;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserPattern;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        return FtaasOptions.options();
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
        FtaasChecks.refuseBaselines(cl.getOptionValue("aux"));
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
        LoraVariant variant = loraVariant(cl, auxChoice, transport);
        List<UserSpec> specs = pattern.cycle(users, 32, seed * 100L + 1).stream()
                .map(u -> u.auxType() == AuxiliaryKind.LOWRANK ? u.withLoraVariant(variant) : u).toList();
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
        FtaasReport.print(io, w, specs, results, transfer);
        if (knowledge != null) knowledge.print(io.out());
        if (json != null) {
            FtaasReport.Settings settings = new FtaasReport.Settings(users, model, hf ? dataFiles : null,
                    hf ? FtaasHf.taskType(cl).cliName() : null, mlp ? null : hf ? null : preset, mlp ? null : sites,
                    mode, transport, transfer, steps, fitEpochs, fitBatch);
            FtaasReport.writeJson(json, settings, w, specs, results, shapley, compression, knowledge);
        }
        boolean claims = knowledge == null || knowledge.violations().isEmpty();
        return claims && results.stream().allMatch(r -> r.errors().isEmpty()) ? 0 : 1;
    }

    /**
     * {@code --lora-variant}: lora or rslora, for the lowrank users. PiSSA would put each user's residual into the
     * one shared base, and DoRA's auxiliary needs W0, which a user device never holds: both are usage errors, as is
     * rslora over gRPC (the attach message carries no variant) or without a lowrank user.
     */
    static LoraVariant loraVariant(CommandLine cl, List<AuxiliaryKind> aux, String transport) {
        LoraVariant v = LoraVariant.parse(Args.choice(cl, "lora-variant", "lora", LoraVariant.names()));
        if (v == LoraVariant.PISSA || v == LoraVariant.DORA) {
            throw new UsageException("--lora-variant " + v + " does not apply to cola ftaas: " + (v == LoraVariant.PISSA
                    ? "PiSSA moves W0's principal part into each user's adapter, but all users share one base"
                    : "DoRA's auxiliary needs the site's W0, which a user device never holds")
                    + " (cola train --lora-variant " + v + " trains one user)");
        }
        if (v != LoraVariant.LORA && transport.equals("grpc")) {
            throw new UsageException("--lora-variant " + v + " runs with --transport inprocess only");
        }
        if (v != LoraVariant.LORA && !aux.contains(AuxiliaryKind.LOWRANK)) {
            throw new UsageException("--lora-variant " + v + " needs a lowrank user (--aux lowrank)");
        }
        return v;
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
}

package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.experiments.CompareDoc;
import cola4j.gl.app.experiments.CompareMarkdown;
import cola4j.gl.app.experiments.CompareMethod;
import cola4j.gl.app.experiments.CompareTable;
import cola4j.gl.app.experiments.Comparison;
import cola4j.gl.app.experiments.FrozenBase;
import cola4j.gl.app.experiments.GitCommit;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.train.MethodSetup;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.PretrainResult;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.tensor.DType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code cola compare --model FAMILY[:PRESET],... [--methods a,b] [--seeds 3] [--steps N] [--out DIR] [--doc F]}:
 * the paper's comparison table in shape. For each base, every method the train program accepts
 * ({@link CompareMethod#discover}) is trained in-process on the same frozen base and tasks with seeds 0..S-1
 * ({@link Comparison}); the table (tail-mean metric ± sd, trainable parameters, server bytes per step, median step
 * time) goes to {@code OUT/compare-FAMILY-PRESET.json} and {@code .md} and, with {@code --doc}, every section into
 * the marked region of that document ({@link CompareDoc}). docs/compare.md has the tables and the command.
 */
public final class CompareCommand implements Command {
    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String description() {
        return "The comparison table: every train method on one frozen base and tasks, several seeds (JSON + Markdown)";
    }

    @Override
    public Options options() {
        Options o = new Options();
        opt(o, "model", "F[:P],...", "Base families, each with an optional preset (e.g. mlp:small,decoder:tiny)");
        opt(o, "preset", "NAME", "Preset of the families given without one: " + String.join(", ",
                Workloads.presets()) + " (default small)");
        opt(o, "tasks", "T1,T2", "Downstream tasks (one --model only; default: every task of the family)");
        opt(o, "methods", "M1,M2", "Methods (default: every one the train program accepts; see --help output)");
        opt(o, "seeds", "N", "Training seeds 0..N-1 per method and task, 1-" + Limits.MAX_SEEDS + " (default 3)");
        opt(o, "steps", "N", "Training steps per run (default 200)");
        opt(o, "batch", "B", "Examples per step (default 32)");
        opt(o, "eval-every", "K", "Evaluate every K steps (default steps/10)");
        opt(o, "eval-examples", "N", "Held-out examples per evaluation (default 500)");
        opt(o, "dtype", "TYPE", "float32 or float64 (default float32)");
        opt(o, "base-seed", "S", "Seed of the pretrained base (default 0)");
        opt(o, "out", "DIR", "Output directory of compare-*.json and compare-*.md (default runs/compare)");
        opt(o, "doc", "FILE", "Also replace the generated region of this Markdown file (e.g. docs/compare.md)");
        opt(o, "cache", "DIR", "Pretrained checkpoint cache (default as cola pretrain)");
        return o;
    }

    private static void opt(Options o, String name, String arg, String desc) {
        o.addOption(Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build());
    }

    /** One base of the comparison. */
    private record Base(String family, String preset, List<String> tasks) {}

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        long t0 = System.nanoTime();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String commit = GitCommit.describe();              // at the start: the code and tree the numbers come from
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        if (!cl.hasOption("model")) {
            throw new UsageException("--model is required (e.g. mlp or mlp:small,decoder:tiny)");
        }
        int seeds = Args.intValue(cl, "seeds", 3, 1, Limits.MAX_SEEDS);
        List<String> common = commonTrainArgs(cl);
        List<CompareMethod> known = CompareMethod.discover(TrainMethod.names(), loraVariants());
        boolean explicit = cl.hasOption("methods");
        List<CompareMethod> methods = explicit ? CompareMethod.select(cl.getOptionValue("methods"), known) : known;
        List<Base> bases = bases(cl, preset);
        Path out = Args.path(cl, "out");
        if (out == null) out = Path.of("runs", "compare");
        OutputPaths.requireWritableDir("out", out);
        Path doc = Args.path(cl, "doc");
        if (doc != null) CompareDoc.check(doc);
        // per base: every method's config and setup on a fresh model, and the memory check, before any pretraining
        Map<Base, List<CompareMethod>> runnable = new LinkedHashMap<>();
        Map<Base, Map<String, String>> refused = new LinkedHashMap<>();
        for (Base b : bases) {
            Map<String, String> na = new LinkedHashMap<>();
            List<CompareMethod> ok = new ArrayList<>();
            long worst = 0;
            for (CompareMethod m : methods) {
                try {
                    TrainConfig c = config(common, b, m, b.tasks().get(0), 0);
                    Workload fresh = Workloads.create(c.model(), c.preset(), c.dtype(), c.baseSeed());
                    long p = fresh.model().parameterCount();
                    MethodSetup s = MethodSetup.create(fresh, c);
                    worst = Math.max(worst, TrainingMemory.forRun(c, fresh, p, s));
                    ok.add(m);
                } catch (UsageException | IllegalArgumentException e) {
                    if (explicit) throw new UsageException("--methods: " + m.name() + " on " + b.family() + ": "
                            + e.getMessage());
                    na.put(m.name(), e.getMessage());
                }
            }
            if (ok.isEmpty()) throw new UsageException("no method applies to " + b.family() + ": " + na);
            HeapCheck.require("compare", worst, " (largest single run on " + b.family() + ")",
                    "a smaller --batch", io);
            runnable.put(b, ok);
            refused.put(b, na);
        }
        Path cacheDir = Args.path(cl, "cache");
        PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float32", List.of("float32", "float64")));
        int baseSeed = Args.seed(cl, "base-seed", 0);
        List<CompareTable> tables = new ArrayList<>();
        for (Base b : bases) {
            PretrainResult pre = new Pretrainer(cache, io.err(), false).run(b.family(), b.preset(), dtype, baseSeed,
                    PretrainConfig.defaults(b.family(), b.preset()), false);
            FrozenBase base = new FrozenBase(pre.workload(), b.family(), b.preset(), dtype, baseSeed);
            io.err().printf("compare: %s %s, methods %s, tasks %s, %d seeds%n", b.family(), b.preset(),
                    runnable.get(b).stream().map(CompareMethod::name).toList(), b.tasks(), seeds);
            tables.add(Comparison.run(base, b.family(), b.preset(), runnable.get(b), refused.get(b), b.tasks(), seeds,
                    (m, task, seed) -> config(common, b, m, task, seed), io.err()));
        }
        CompareMarkdown.RunInfo run = new CompareMarkdown.RunInfo(commandLine(cl), start.toString(),
                commit, loadStart, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), (System.nanoTime() - t0) / 1e9);
        StringBuilder all = new StringBuilder(CompareMarkdown.header(run));
        for (CompareTable t : tables) {
            String stem = "compare-" + t.setup().family() + "-" + t.setup().preset();
            JsonFiles.writeAtomic(out.resolve(stem + ".json"), Comparison.sortedJson(new Comparison.Document(run, t)));
            String section = CompareMarkdown.section(t);
            JsonFiles.writeAtomic(out.resolve(stem + ".md"), (CompareMarkdown.header(run) + "\n" + section)
                    .getBytes(StandardCharsets.UTF_8));
            all.append('\n').append(section);
            io.out().print("\n" + section);
            io.err().println("wrote " + out.resolve(stem + ".json") + " and .md");
        }
        if (doc != null) {
            CompareDoc.replace(doc, all.toString());
            io.err().println("updated " + doc);
        }
        return 0;
    }

    /**
     * The train program's LoRA variants: {@link LoraVariant#names()} once {@code cola train} has a
     * {@code --lora-variant} option, none before.
     */
    static List<String> loraVariants() {
        return new TrainCommand().options().hasOption("lora-variant") ? LoraVariant.names() : List.of();
    }

    /** {@code ./cola compare} and the options as given. */
    private static String commandLine(CommandLine cl) {
        StringBuilder b = new StringBuilder("./cola compare");
        for (Option o : cl.getOptions()) {
            b.append(" --").append(o.getLongOpt());
            if (o.hasArg()) b.append(' ').append(o.getValue());
        }
        return b.toString();
    }

    /** The {@code cola train} options every run shares (validated here, so a bad one is one usage error). */
    private static List<String> commonTrainArgs(CommandLine cl) {
        int steps = Args.intValue(cl, "steps", 200, 1, Limits.MAX_STEPS);
        List<String> a = new ArrayList<>(List.of("--steps", Integer.toString(steps),
                "--batch", Integer.toString(Args.intValue(cl, "batch", 32, 1, Limits.MAX_BATCH)),
                "--eval-examples", Integer.toString(Args.intValue(cl, "eval-examples", 500, 1, Limits.MAX_EVAL)),
                "--dtype", Args.choice(cl, "dtype", "float32", List.of("float32", "float64")),
                "--base-seed", Integer.toString(Args.seed(cl, "base-seed", 0))));
        if (cl.hasOption("eval-every")) {
            a.addAll(List.of("--eval-every", Integer.toString(Args.intValue(cl, "eval-every", 1, 1, steps))));
        }
        return a;
    }

    /** The bases of {@code --model F[:P],...} with their tasks. */
    private static List<Base> bases(CommandLine cl, String preset) {
        String value = cl.getOptionValue("model");
        List<Base> out = new ArrayList<>();
        String[] parts = value.split(",", -1);
        if (cl.hasOption("tasks") && parts.length != 1) throw new UsageException("--tasks needs exactly one --model");
        for (String p : parts) {
            String[] fp = p.split(":", -1);
            if (fp.length > 2 || !Workloads.families().contains(fp[0])
                    || (fp.length == 2 && !Workloads.presets().contains(fp[1]))) {
                throw new UsageException("--model: '" + p + "' is not FAMILY[:PRESET] with FAMILY one of "
                        + Workloads.families() + " and PRESET one of " + Workloads.presets());
            }
            String pr = fp.length == 2 ? fp[1] : preset;
            if (out.stream().anyMatch(b -> b.family().equals(fp[0]) && b.preset().equals(pr))) {
                throw new UsageException("--model: '" + p + "' given twice in '" + value + "'");
            }
            List<String> available = Workloads.create(fp[0], pr, DType.FLOAT32, 0).downstreamNames();
            List<String> tasks = cl.hasOption("tasks") ? CopraCommand.taskList(cl.getOptionValue("tasks"), available)
                    : available;
            out.add(new Base(fp[0], pr, tasks));
        }
        return out;
    }

    /** The train program's config of method m on task with training seed s (its options parsed by its parser). */
    private static TrainConfig config(List<String> common, Base b, CompareMethod m, String task, int seed) {
        List<String> args = new ArrayList<>(List.of("--model", b.family(), "--preset", b.preset(), "--task", task,
                "--seed", Integer.toString(seed)));
        args.addAll(common);
        args.addAll(m.trainArgs());
        CommandLine cl;
        try {
            cl = Main.parser().parse(new TrainCommand().options(), args.toArray(String[]::new));
        } catch (ParseException e) {
            throw new UsageException("cola train refuses " + m.trainArgs() + ": " + e.getMessage());
        }
        return TrainCommand.config(cl, null);
    }
}

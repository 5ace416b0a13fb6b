package cola4j.gl.app.cli;

import cola4j.gl.UserFitConfig;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.experiments.ColaStudy;
import cola4j.gl.app.experiments.StudyOutput;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Progress;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.tensor.DType;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola study --vary fit-epochs|staleness}: the demo's users trained by LoRA and by ColA with several fit
 * epochs E (default 1,2,4,8) or staleness k (default 0,1,2,4,8); CSV and PNG files in {@code --out} and a summary
 * table ({@link ColaStudy}, {@link StudyOutput}).
 */
public final class StudyCommand implements Command {
    @Override
    public String name() {
        return "study";
    }

    @Override
    public String description() {
        return "Where ColA leaves LoRA: fit epochs E or staleness k on the demo's users (CSV + PNG)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("vary", "fit-epochs|staleness", "what to vary (required)"))
                .addOption(opt("values", "V1,V2,...", "its values (default 1,2,4,8 for fit-epochs, 0,1,2,4,8 for"
                        + " staleness; E in [1, 1000], k in [0, 10000])"))
                .addOption(opt("steps", "N", "server steps per user (default 200)"))
                .addOption(opt("pretrain-steps", "N", "base pretraining steps (default 300)"))
                .addOption(opt("interval", "I", "adaptation interval (default 1; staleness needs 1)"))
                .addOption(opt("seed", "S", "seed of base, adapters and data (default 0)"))
                .addOption(opt("out", "DIR", "output directory (default runs/study-<vary>)"));
    }

    private static Option opt(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        if (!cl.hasOption("vary")) throw new UsageException("--vary fit-epochs|staleness is required");
        String vary = Args.choice(cl, "vary", null, List.of("fit-epochs", "staleness"));
        boolean epochs = vary.equals("fit-epochs");
        int max = epochs ? UserFitConfig.MAX_EPOCHS : StaleColaTrainer.MAX_STALENESS;
        int[] values = Args.intList(cl, "values", epochs ? new int[] {1, 2, 4, 8} : new int[] {0, 1, 2, 4, 8},
                epochs ? 1 : 0, max);
        int steps = Args.intValue(cl, "steps", 200, 1, Limits.MAX_STEPS);
        int interval = Args.intValue(cl, "interval", 1, 1, Limits.MAX_INTERVAL);
        if (!epochs && interval != 1) throw new UsageException("--vary staleness needs --interval 1");
        int pre = Args.intValue(cl, "pretrain-steps", 300, 0, Limits.MAX_STEPS), seed = Args.seed(cl, "seed", 0);
        Path out = cl.hasOption("out") ? Args.path(cl, "out") : Path.of("runs", "study-" + vary);
        try {
            java.nio.file.Files.createDirectories(out);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            throw new UsageException("--out " + out + " cannot be created: " + e.getMessage());
        }
        List<ColaStudy.Variant> variants = new ArrayList<>();
        for (int v : values) variants.add(epochs ? ColaStudy.epochs(v) : ColaStudy.staleness(v, DType.FLOAT64));
        ColaStudy study = new ColaStudy(steps, pre, interval, seed);
        ColaStudy.Result r;
        long t0 = System.nanoTime();
        try (Progress p = new Progress(io.err(), "study " + vary + " (4 users x (LoRA + " + values.length + "))",
                4 * (values.length + 1))) {
            r = study.run(variants, p.onStep());
        }
        io.out().printf("study %s: 4 demo users, %d steps, interval %d, seed %d, float64; %.1f s, load average %.2f%n",
                vary, steps, interval, seed, (System.nanoTime() - t0) / 1e9,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StudyOutput.write(out, vary, epochs ? "E" : "k", r, io.out());
        io.out().println("wrote " + out.resolve(vary + "-steps.csv") + ", -summary.csv, -distance.png, -loss-diff.png,"
                + " -metric.png");
        return 0;
    }
}

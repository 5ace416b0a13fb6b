package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;

import cola4j.gl.app.demo.DemoPlan;
import cola4j.gl.app.demo.DemoReport;
import cola4j.gl.app.demo.DemoRun;
import cola4j.gl.app.demo.DemoSummary;
import cola4j.gl.app.demo.DemoTables;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola demo}: pretrains a small base, serves 4 users on different downstream tasks and compares ColA
 * (low-rank merged per user and merged-average, unmerged low-rank, linear and MLP auxiliaries) with multi-tenant LoRA
 * and full fine-tuning; prints the tables and verdicts and writes report.md, results.json and learning-curve PNGs into
 * the output directory, which is created and checked for writing before anything runs.
 */
public final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String description() {
        return "The ColA demo end to end (the main job; under 5 minutes on 2 cores): pretrain a digits MLP, "
                + "serve 4 users with different "
                + "shifts, compare ColA (merged, merged-average, unmerged; low-rank, linear, MLP) with LoRA "
                + "and full fine-tuning; "
                + "tables, per-user verdicts, report.md, results.json, PNG curves";
    }

    @Override
    public Options options() {
        DemoPlan q = DemoPlan.quick(), f = DemoPlan.full();
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                        .desc("output directory, created if missing; must be writable (default runs/demo-<timestamp>)")
                        .build())
                .addOption(Option.builder().longOpt("quick").desc(String.format(java.util.Locale.ROOT,
                        "smoke-test size, seconds instead of minutes (the end-to-end test runs it): "
                                + "%d pretraining steps instead of %d, "
                                + "%d server steps per method instead of %d, "
                                + "%d seed instead of %d (so no ColA-vs-LoRA seed verdict)",
                        q.pretrainSteps(), f.pretrainSteps(), q.steps(), f.steps(), q.seeds(), f.seeds())).build());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        Path out = Args.path(cl, "out");
        if (out == null) {
            out = Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        requireWritableDir(out);
        DemoPlan plan = cl.hasOption("quick") ? DemoPlan.quick() : DemoPlan.full();
        DemoRun run = DemoRun.run(plan, io.err());
        PrintStream o = io.out();
        o.println("users (metric: accuracy on each user's shifted test split):");
        DemoTables.users(run).print(o);
        o.println(DemoSummary.baseNearChance(run));
        o.println();
        o.println("accuracy (" + plan.tailDescription() + "):");
        DemoTables.accuracy(run).print(o);
        o.println();
        o.println("server and user memory (peaks):");
        DemoTables.memory(run).print(o);
        o.println();
        o.println("traffic per server step and time:");
        DemoTables.traffic(run).print(o);
        o.println();
        o.println(DemoSummary.perUserHeader(run) + ":");
        for (String l : DemoSummary.perUser(run)) o.println(l);
        o.println(DemoSummary.merges(run));
        o.println(DemoSummary.seeds(run));
        List<Path> files = DemoReport.write(run, out);
        o.println("wrote " + files.size() + " files to " + out.toAbsolutePath()
                + " (report.md, results.json, curves-*.png)");
        return 0;
    }

    /** Creates {@code dir} if needed and checks that a file can be written in it; UsageException (exit 2) otherwise. */
    static void requireWritableDir(Path dir) {
        OutputPaths.requireWritableDir("out", dir);
    }
}

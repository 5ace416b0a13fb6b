package cola4j.gl.cli;

import cola4j.gl.ftaas.DemoPlan;
import cola4j.gl.ftaas.DemoReport;
import cola4j.gl.ftaas.DemoRun;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola demo}: pretrains a small base, serves 4 users on different downstream tasks and compares ColA
 * (low-rank merged and unmerged, linear, MLP auxiliaries) with multi-tenant LoRA and full fine-tuning; prints the
 * table and writes report.md, results.json and learning-curve PNGs into the output directory.
 */
public final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String description() {
        return "The ColA demo end to end: pretrain, serve 4 users, compare with LoRA and full fine-tuning (table, report.md, PNGs)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("output directory (default runs/demo-<timestamp>)").build())
                .addOption(Option.builder().longOpt("quick").desc("a smaller run (about a minute): fewer steps, one seed").build());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        Path out = Args.path(cl, "out");
        if (out == null) out = Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        DemoPlan plan = cl.hasOption("quick") ? DemoPlan.quick() : DemoPlan.full();
        DemoRun run = DemoRun.run(plan, io.err());
        List<String> users = DemoReport.users(run);
        Table t = new Table(cola4j.gl.ftaas.ResultTable.headers(users).toArray(String[]::new));
        for (List<String> r : DemoReport.rows(run)) t.row(r.toArray(String[]::new));
        io.out().println("tasks: " + run.tasks() + "; metric: accuracy on each user's shifted test split");
        t.print(io.out());
        double[] m = run.margins();
        io.out().printf(java.util.Locale.ROOT, "ColA low-rank (merged) - LoRA, mean accuracy over %d seed(s): %s%n", m.length,
                java.util.Arrays.toString(java.util.Arrays.stream(m).mapToObj(v -> String.format(java.util.Locale.ROOT, "%+.4f", v)).toArray()));
        List<Path> files = DemoReport.write(run, out);
        io.out().println("wrote " + files.size() + " files to " + out.toAbsolutePath() + " (report.md, results.json, curves-*.png)");
        return 0;
    }
}

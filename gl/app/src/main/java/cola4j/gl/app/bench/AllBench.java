package cola4j.gl.app.bench;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench all}: gemm, ops, step, samediff, memory and comm in one run, with their default options (or
 * tiny ones with {@code --quick}). Prints a Markdown summary — the machine (nproc, CPU model, load average, Java),
 * then one table per benchmark — to stdout and optionally to {@code --md FILE}; {@code --json FILE} gets one object
 * with every benchmark's value under its name (as each one's own {@code --json} writes it), and the memory plot
 * goes beside it (or to {@code --png FILE}).
 */
public final class AllBench implements Command {
    @Override
    public String name() {
        return "all";
    }

    @Override
    public String description() {
        return "every benchmark (gemm, ops, step, samediff, memory, comm); Markdown summary, one JSON";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("Write every result as one JSON object to FILE (atomic write)").build());
        o.addOption(Option.builder().longOpt("md").hasArg().argName("FILE")
                .desc("Also write the Markdown summary to FILE").build());
        o.addOption(Option.builder().longOpt("png").hasArg().argName("FILE")
                .desc("The memory plot (default: beside --json, same name .png)").build());
        o.addOption(Option.builder().longOpt("quick")
                .desc("Tiny sizes and repetitions everywhere (for tests; numbers are meaningless)").build());
        return o;
    }

    /** Each benchmark with the arguments {@code bench all} gives it. */
    static List<Map.Entry<BenchCommand<?>, String[]>> plan(boolean quick, Path png) {
        List<Map.Entry<BenchCommand<?>, String[]>> p = new ArrayList<>();
        String[] q = quick ? new String[] {"--quick"} : new String[0];
        p.add(Map.entry(new GemmBench(),
                quick ? new String[] {"--sizes", "16,32", "--reps", "1", "--warmup", "0", "--warmup-ms", "0"}
                : new String[0]));
        p.add(Map.entry(new OpsBench(), quick ? new String[] {"--reps", "1", "--warmup", "0"} : new String[0]));
        p.add(Map.entry(new StepBench(),
                quick ? new String[] {"--quick", "--steps", "1", "--warmup", "0"} : new String[0]));
        p.add(Map.entry(new SameDiffBench(),
                quick ? new String[] {"--quick", "--steps", "1", "--warmup", "0"} : new String[0]));
        List<String> mem = new ArrayList<>(List.of(q));
        if (quick) mem.addAll(List.of("--users", "1,2,4"));
        if (png != null) mem.addAll(List.of("--png", png.toString()));
        p.add(Map.entry(new MemoryBench(), mem.toArray(String[]::new)));
        p.add(Map.entry(new CommBench(), q));
        return p;
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        Path json = Args.outputFile(cl, "json"), md = Args.outputFile(cl, "md");
        Path png = Args.outputFile(cl, "png");
        if (png == null && json != null) {
            png = MemoryBench.pngPath(new DefaultParser()
                    .parse(new MemoryBench().options(), new String[] {"--json", json.toString()}));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder("## Benchmarks (`cola bench all"
                + (cl.hasOption("quick") ? " --quick" : "") + "`)\n\n");
        sb.append(Machine.describe()).append('\n');
        for (Map.Entry<BenchCommand<?>, String[]> e : plan(cl.hasOption("quick"), png)) {
            BenchCommand<?> b = e.getKey();
            CommandLine sub = new DefaultParser().parse(b.options(), e.getValue());
            long t0 = System.nanoTime();
            BenchCommand.Measured m = b.measureForAll(sub, io);
            io.err().printf("all: %s took %.1f s%n", b.name(), (System.nanoTime() - t0) / 1e9);
            doc.put(b.name(), m.json());
            sb.append("### ").append(b.name()).append(" (`cola bench ").append(b.name());
            for (String a : e.getValue()) sb.append(' ').append(a);
            sb.append("`)\n\n").append(m.table().markdown()).append('\n');
        }
        String text = sb.toString();
        io.out().print(text);
        if (md != null) {
            MemoryPlot.writeAtomic(md, text.getBytes(StandardCharsets.UTF_8));
            io.err().println("wrote " + md);
        }
        if (json != null) {
            JsonFiles.writeAtomic(json, doc);
            io.err().println("wrote " + json);
        }
        return 0;
    }

    /** The machine line of the summary. */
    static final class Machine {
        private Machine() {}

        static String describe() {
            return "Machine: nproc = " + Runtime.getRuntime().availableProcessors() + "; CPU: "
                    + cpuModel() + "; load average (1, 5, 15 min) at start: " + loadAverage()
                    + "; Java " + System.getProperty("java.version") + "; OMP_NUM_THREADS = "
                    + (System.getenv("OMP_NUM_THREADS") == null ? "unset" : System.getenv("OMP_NUM_THREADS")) + "; "
                    + Instant.now() + "\n";
        }

        private static String cpuModel() {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
                }
            } catch (Exception e) {
                // not Linux: fall through
            }
            return System.getProperty("os.arch");
        }

        /** The 1-minute load average (as {@code uptime} prints it; it includes the benchmark itself), or NaN. */
        static double load1() {
            try {
                return Double.parseDouble(loadAverage().split(",")[0].trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        /** "1-min, 5-min, 15-min" from /proc/loadavg, or "n/a". */
        static String loadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return f[0] + ", " + f[1] + ", " + f[2];
            } catch (Exception e) {
                return "n/a";
            }
        }
    }
}

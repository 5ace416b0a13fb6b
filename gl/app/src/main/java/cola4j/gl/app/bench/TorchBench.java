package cola4j.gl.app.bench;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench torch}: the step of {@link StepBench} in cola4j and in PyTorch eager, back to back, per method
 * (issue 14). The PyTorch side is the script {@code torch_step.py} (a resource next to this class, copied to a temp
 * file and run with {@code --python}, default {@code /usr/bin/python3}); it builds the same model, batch shape,
 * adapters, loss and AdamW and times the same server and user parts. For each method: the cola4j step is timed
 * (warm-up, then medians), then the script is run for that method; the 1-minute load average is read before each
 * pair. Without an importable {@code torch} the command prints one line on stderr and exits 0 (nothing measured).
 * Not part of {@code bench all} and not run by the tests with PyTorch (the test suite must not need it).
 */
public final class TorchBench extends BenchCommand<TorchBench.Row> {
    /**
     * One method, both engines (medians in ms; user = the Gradient Learning fit, 0 for full and lora).
     *
     * @param ratio       colaTotal / torchTotal (≤ 1: cola4j no slower)
     * @param serverVsLora cola4j server ms / cola4j LoRA total ms (NaN when lora was not measured)
     * @param colaCpu     median process CPU ms of a cola4j step (all threads)
     * @param torchCpu    median process CPU ms of a PyTorch step ({@code time.process_time})
     * @param cpuRatio    colaCpu / torchCpu: work rather than wall time, steadier on a loaded machine
     * @param load1       1-minute load average read just before the pair was measured
     */
    @JsonPropertyOrder({"method", "cola_server_ms", "cola_user_ms", "cola_total_ms", "torch_server_ms",
            "torch_user_ms", "torch_total_ms", "ratio", "server_vs_lora", "cola_cpu_ms", "torch_cpu_ms",
            "cpu_ratio", "load1", "torch_threads"})
    public record Row(@JsonProperty("method") String method, @JsonProperty("cola_server_ms") double colaServer,
                      @JsonProperty("cola_user_ms") double colaUser, @JsonProperty("cola_total_ms") double colaTotal,
                      @JsonProperty("torch_server_ms") double torchServer,
                      @JsonProperty("torch_user_ms") double torchUser,
                      @JsonProperty("torch_total_ms") double torchTotal, @JsonProperty("ratio") double ratio,
                      @JsonProperty("server_vs_lora") double serverVsLora,
                      @JsonProperty("cola_cpu_ms") double colaCpu, @JsonProperty("torch_cpu_ms") double torchCpu,
                      @JsonProperty("cpu_ratio") double cpuRatio, @JsonProperty("load1") double load1,
                      @JsonProperty("torch_threads") int torchThreads) {}

    static final String SCRIPT = "torch_step.py";

    @Override
    public String name() {
        return "torch";
    }

    @Override
    public String description() {
        return "the step bench in cola4j and in PyTorch eager back to back: ms per method and the ratio "
                + "(skips when PyTorch is missing)";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                .desc("Timed steps per method and engine; medians are reported (default 10)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                .desc("Untimed steps first (default 3)").build());
        o.addOption(Option.builder().longOpt("methods").hasArg().argName("M,M,...")
                .desc("Subset of full,lora,cola-unmerged,cola-merged (default all)").build());
        o.addOption(Option.builder().longOpt("quick").desc("Tiny model and batch (seconds)").build());
        o.addOption(Option.builder().longOpt("python").hasArg().argName("EXE")
                .desc("Python with PyTorch (default /usr/bin/python3)").build());
        o.addOption(Option.builder().longOpt("torch-blas").hasArg().argName("LIB")
                .desc("A BLAS library preloaded (LD_PRELOAD) into the PyTorch process only, e.g. OpenBLAS where "
                        + "Debian's torch would use the reference libblas (docs/performance.md)").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("PyTorch intra-op threads (default: available processors, as OpenBLAS uses)").build());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) throws Exception {
        int steps = Args.intValue(cl, "steps", 10, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 3, 0, Limits.MAX_REPS);
        int threads = Args.intValue(cl, "threads", Runtime.getRuntime().availableProcessors(), 1, 1024);
        String python = cl.getOptionValue("python", "/usr/bin/python3");
        Path blas = Args.path(cl, "torch-blas");
        if (blas != null && !Files.isRegularFile(blas)) {
            throw new UsageException("--torch-blas: no such file " + blas);
        }
        List<String> methods = StepBench.methods(cl);
        String why = torchMissing(python);
        if (why != null) {
            io.err().println("bench torch: skipped: " + why);
            return List.of();
        }
        Path script = Files.createTempFile("cola4j-torch-step", ".py");
        try {
            try (InputStream in = TorchBench.class.getResourceAsStream(SCRIPT)) {
                if (in == null) throw new IllegalStateException("bench torch: resource " + SCRIPT + " is missing");
                Files.write(script, in.readAllBytes());
            }
            LmShape shape = StepBench.shape(cl);
            int[][][] batch = shape.batch(StepBench.BATCH_SEED);
            List<Row> rows = new ArrayList<>();
            double loraTotal = Double.NaN;
            for (String m : methods) {
                double load = AllBench.Machine.load1();
                double[] ours = time(m, shape, batch, steps, warmup); // server, user, total, cpu total
                List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--methods", m, "--steps",
                        String.valueOf(steps), "--warmup", String.valueOf(warmup), "--threads",
                        String.valueOf(threads)));
                if (cl.hasOption("quick")) cmd.add("--quick");
                JsonNode t = JsonFiles.MAPPER.readTree(runScript(cmd, blas));
                if (m.equals("lora")) loraTotal = ours[2];
                double torchTotal = t.get("total_ms").asDouble(), torchCpu = t.get("cpu_ms").asDouble();
                rows.add(new Row(m, ours[0], ours[1], ours[2], t.get("server_ms").asDouble(),
                        t.get("user_ms").asDouble(), torchTotal, ours[2] / torchTotal,
                        m.startsWith("cola") ? ours[0] / loraTotal : Double.NaN, ours[3], torchCpu,
                        ours[3] / torchCpu, load, t.get("threads").asInt()));
                io.err().printf("torch: %s done (%s, load %.2f)%n", m, shape, load);
            }
            return rows;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * {server, user, total, cpu} medians in ms of {@code steps} steps after {@code warmup}: wall-clock parts as
     * {@link StepBench}, and the process CPU time of the whole step (all threads: BLAS workers, GC, JIT), which
     * a loaded machine inflates much less than wall time.
     */
    static double[] time(String method, LmShape shape, int[][][] batch, int steps, int warmup) {
        StepBench.Stepper s = StepBench.stepper(method, shape, batch);
        for (int i = 0; i < warmup; i++) s.step();
        double[] server = new double[steps], user = new double[steps], total = new double[steps];
        double[] cpu = new double[steps];
        for (int i = 0; i < steps; i++) {
            long c0 = processCpuNanos();
            long[] ns = s.step();
            cpu[i] = (processCpuNanos() - c0) / 1e6;
            server[i] = ns[0] / 1e6;
            user[i] = ns[1] / 1e6;
            total[i] = (ns[0] + ns[1]) / 1e6;
        }
        return new double[] {Timing.median(server), Timing.median(user), Timing.median(total), Timing.median(cpu)};
    }

    /** CPU time of this process (all threads), or NaN where the JVM does not report it. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    /** Null when {@code python -c "import torch"} succeeds, else why not (one line). */
    static String torchMissing(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " -c 'import torch' did not finish in 120 s";
            }
            return p.exitValue() == 0 ? null : "PyTorch is not importable by " + python
                    + " (Debian: apt-get install python3-torch; or pass --python EXE)";
        } catch (IOException e) {
            return "cannot run " + python + " (" + e.getMessage() + "); pass --python EXE";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Runs the script; returns its one JSON line; failure (exit ≠ 0, no output, 1 h) is an exception. */
    private static String runScript(List<String> cmd, Path blas) throws IOException, InterruptedException {
        Path err = Files.createTempFile("cola4j-torch-step", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            if (blas != null) pb.environment().put("LD_PRELOAD", blas.toAbsolutePath().toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bench torch: the PyTorch step did not finish within 1 h");
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                List<String> lines = Files.readAllLines(err);
                String last = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
                throw new IllegalStateException("bench torch: the PyTorch step failed (exit " + p.exitValue()
                        + "): " + last);
            }
            String[] lines = out.split("\n");
            return lines[lines.length - 1];
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("method", "cola4j ms (server / user)", "torch ms (server / user)", "cola4j / torch",
                "server / cola4j LoRA", "cpu ms cola4j / torch", "cpu ratio", "load1");
        for (Row r : rows) {
            t.row(r.method(), StepBench.fmt(r.colaTotal()) + " (" + StepBench.fmt(r.colaServer()) + " / "
                            + StepBench.fmt(r.colaUser()) + ")",
                    StepBench.fmt(r.torchTotal()) + " (" + StepBench.fmt(r.torchServer()) + " / "
                            + StepBench.fmt(r.torchUser()) + ")",
                    String.format("%.2f", r.ratio()),
                    Double.isNaN(r.serverVsLora()) ? "-" : String.format("%.2f", r.serverVsLora()),
                    StepBench.fmt(r.colaCpu()) + " / " + StepBench.fmt(r.torchCpu()),
                    String.format("%.2f", r.cpuRatio()), String.format("%.2f", r.load1()));
        }
        return t;
    }
}

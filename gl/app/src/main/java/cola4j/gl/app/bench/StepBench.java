package cola4j.gl.app.bench;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.baselines.FullFineTuneTrainer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.Backend;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench step}: wall time of one training step of the same model on the same batch ({@link LmShape}:
 * by default the reference decoder LM, C = 256, 4 layers, 4 heads, T = 128, B = 16, V = 64, float32, dropout off),
 * for four methods, all with AdamW (lr 1e-3) and no clipping:
 * <ul>
 *   <li>full: every parameter trainable, forward + backward + AdamW over all weights (server only);</li>
 *   <li>lora: rank-8 adapters on query and value of every block, trained by backprop on the server;</li>
 *   <li>cola-unmerged: server = {@link ColaServer#pass} (forward with h + g(x), g evaluated frozen, backward to
 *       dL/dh); user = {@link UserFit#receive} (Gradient Learning backward + AdamW on the same adapters);</li>
 *   <li>cola-merged: the same with ΔW merged into W for the pass (and restored after).</li>
 * </ul>
 * Server and user parts are timed separately in the same step (in one process: no transfer is included).
 * Each method gets a fresh model with the same seed; after {@code --warmup} untimed steps, {@code --steps} steps
 * are timed one by one and the medians of server, user and server + user times are reported.
 */
public final class StepBench extends BenchCommand<StepBench.Row> {
    /**
     * One method's step time.
     *
     * @param backend  the tensor backend the step ran on (heap or nd4j; see {@link Backend})
     * @param method   full, lora, cola-unmerged or cola-merged
     * @param serverMs median ms of the server part (everything, for full and lora)
     * @param userMs   median ms of the user part (0 for full and lora)
     * @param totalMs  median over steps of server + user ms
     */
    @JsonPropertyOrder({"backend", "method", "server_ms", "user_ms", "total_ms"})
    public record Row(@JsonProperty("backend") String backend, @JsonProperty("method") String method,
                      @JsonProperty("server_ms") double serverMs,
                      @JsonProperty("user_ms") double userMs, @JsonProperty("total_ms") double totalMs) {}

    static final List<String> METHODS = List.of("full", "lora", "cola-unmerged", "cola-merged");
    static final long MODEL_SEED = 1234, BATCH_SEED = 99;
    static final double LR = 1e-3;

    @Override
    public String name() {
        return "step";
    }

    @Override
    public String description() {
        return "ms per training step (reference decoder LM): full, LoRA, "
                + "ColA unmerged and merged (server and user parts)";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                .desc("Timed steps; medians are reported (default 10)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                .desc("Untimed steps first, for the JIT (default 3)").build());
        o.addOption(Option.builder().longOpt("methods").hasArg().argName("M,M,...")
                .desc("Subset of full,lora,cola-unmerged,cola-merged (default all)").build());
        o.addOption(BackendList.option());
        o.addOption(Option.builder().longOpt("quick")
                .desc("Tiny model and batch (seconds; for tests), instead of the reference shape").build());
    }

    /** The shape given by {@code --quick} (or the reference one). */
    static LmShape shape(CommandLine cl) {
        return cl.hasOption("quick") ? LmShape.quick() : LmShape.reference();
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) {
        int steps = Args.intValue(cl, "steps", 10, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 3, 0, Limits.MAX_REPS);
        LmShape shape = shape(cl);
        int[][][] batch = shape.batch(BATCH_SEED);
        List<Row> rows = new ArrayList<>();
        List<String> methods = methods(cl);
        for (Backend b : BackendList.parse(cl)) {
            for (String m : methods) {
                rows.add(Backend.with(b, () -> time(b, m, shape, batch, steps, warmup)));
                io.err().printf("step: %s on %s done (%s)%n", m, b.label(), shape);
            }
        }
        return rows;
    }

    static List<String> methods(CommandLine cl) {
        if (!cl.hasOption("methods")) return METHODS;
        List<String> out = new ArrayList<>();
        for (String m : cl.getOptionValue("methods").split(",")) {
            String t = m.trim();
            if (!METHODS.contains(t)) {
                throw new UsageException("--methods: unknown method '" + t + "'; expected some of "
                        + String.join(",", METHODS));
            }
            out.add(t);
        }
        return out;
    }

    /** A single-method, single-user setup whose step returns {server ns, user ns}. */
    interface Stepper {
        long[] step();
    }

    private static Row time(Backend b, String method, LmShape shape, int[][][] batch, int steps, int warmup) {
        Stepper s = stepper(method, shape, batch);
        for (int i = 0; i < warmup; i++) s.step();
        double[] server = new double[steps], user = new double[steps], total = new double[steps];
        for (int i = 0; i < steps; i++) {
            long[] ns = s.step();
            server[i] = ns[0] / 1e6;
            user[i] = ns[1] / 1e6;
            total[i] = (ns[0] + ns[1]) / 1e6;
        }
        return new Row(b.label(), method, Timing.median(server), Timing.median(user), Timing.median(total));
    }

    static Function<LinkedHashMap<String, Var>, Optimizer> adamW() {
        return p -> new AdamW(p, AdamConfig.adamW(LR));
    }

    static Stepper stepper(String method, LmShape shape, int[][][] batch) {
        DecoderLM model = shape.model(MODEL_SEED);
        LossFunction loss = ctx -> model.loss(batch[0], batch[1], ctx);
        RowRouting routing = RowRouting.single(0, shape.batch());
        List<Site> sites = model.sites(LmShape.SITES);
        switch (method) {
            case "full", "lora" -> {
                Trainer t = method.equals("full")
                        ? new FullFineTuneTrainer(model, null, adamW(), null, 1, Double.POSITIVE_INFINITY)
                        : new LoraTrainer(model, sites, Map.of(0, LmShape.auxiliaries(sites, 0)), adamW(), null, 1,
                                Double.POSITIVE_INFINITY);
                return () -> {
                    long t0 = System.nanoTime();
                    Timing.sink = t.step(loss, routing, null);
                    return new long[] {System.nanoTime() - t0, 0};
                };
            }
            case "cola-unmerged", "cola-merged" -> {
                ColaMode mode = method.equals("cola-merged") ? ColaMode.MERGED : ColaMode.UNMERGED;
                ColaServer server = new ColaServer(model, sites);
                LinkedHashMap<String, AuxiliaryModel> aux = LmShape.auxiliaries(sites, 0);
                UserFit user = new UserFit(0, aux, adamW().apply(UserFit.parameters(aux)),
                        new UserFitConfig(1, Double.POSITIVE_INFINITY), null);
                Map<Integer, Map<String, AuxiliaryModel>> auxByUser = Map.of(0, aux);
                return () -> {
                    long t0 = System.nanoTime();
                    ColaServer.Pass p = server.pass(loss, auxByUser, routing, mode, null);
                    long t1 = System.nanoTime();
                    List<AdaptationData> data = p.dataByUser().get(0);
                    Timing.sink = user.offer(data).orElseThrow();
                    return new long[] {t1 - t0, System.nanoTime() - t1};
                };
            }
            default -> throw new IllegalArgumentException("step bench: unknown method " + method
                    + "; expected one of " + METHODS);
        }
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("backend", "method", "server ms", "user ms", "total ms", "total / full").alignLeft(0, 1);
        for (Row r : rows) {
            double full = rows.stream().filter(q -> q.method().equals("full") && q.backend().equals(r.backend()))
                    .mapToDouble(Row::totalMs).findFirst().orElse(Double.NaN);
            t.row(r.backend(), r.method(), fmt(r.serverMs()), fmt(r.userMs()), fmt(r.totalMs()),
                    String.format("%.2f", r.totalMs() / full));
        }
        return t;
    }

    static String fmt(double v) {
        return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}

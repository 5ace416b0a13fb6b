package cola4j.gl.app.bench;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.oracle.SameDiffOracle;
import cola4j.oracle.SdTransformer;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cola bench samediff}: one full training step — forward, backward, plain SGD update of every weight — of
 * the same decoder LM on the same batch ({@link LmShape}, float32, dropout off, same initial weights), built two
 * ways:
 * <ul>
 *   <li>ours: {@code model.loss(...)}, {@code backward()}, {@link Sgd} (lr {@value #LR});</li>
 *   <li>SameDiff: the model rebuilt from docs/models.md by {@link SdTransformer} (float32 variables holding copies
 *       of our weights; token and position embeddings as one-hot matmuls, because ND4J 1.0.0-M2.1's gather
 *       gradient is wrong), then per step {@code sd.calculateGradients(...)} (one forward + backward through
 *       libnd4j's *_bp kernels) and, for every variable, the in-place update {@code w -= lr · g}. This manual
 *       loop is what {@code sd.fit} with an {@code Sgd} updater does per iteration, minus its listener and
 *       data-set plumbing, so it is the fairer (faster) SameDiff number.</li>
 * </ul>
 * The graph is built once; the batch is a graph constant on the SameDiff side and a fixed array on ours. After
 * {@code --warmup} untimed steps each side times {@code --steps} single steps; medians and ours / SameDiff are
 * reported. As a check that both sides train the same function, the loss before training and after all steps is
 * evaluated on both and their relative differences are reported (float32 rounding: expect ≤ 1e-4).
 *
 * <p>Threads are as configured by the environment: ND4J's OpenMP pool ({@code OMP_NUM_THREADS}) and OpenBLAS
 * both use every core by default; the row records {@code OMP_NUM_THREADS} as seen by this process.
 */
public final class SameDiffBench extends BenchCommand<SameDiffBench.Row> {
    /**
     * The comparison.
     *
     * @param oursMs            median ms per step, ours
     * @param samediffMs        median ms per step, SameDiff
     * @param ratio             oursMs / samediffMs (target ≤ 0.5)
     * @param initialLossRelDiff |L_ours − L_sd| / |L_sd| before training
     * @param finalLossRelDiff  the same after warmup + steps SGD steps on both sides
     * @param ompNumThreads     OMP_NUM_THREADS of this process ("unset" if not set)
     */
    @JsonPropertyOrder({"ours_ms", "samediff_ms", "ratio", "initial_loss_rel_diff", "final_loss_rel_diff",
            "omp_num_threads"})
    public record Row(@JsonProperty("ours_ms") double oursMs, @JsonProperty("samediff_ms") double samediffMs,
                      @JsonProperty("ratio") double ratio,
                      @JsonProperty("initial_loss_rel_diff") double initialLossRelDiff,
                      @JsonProperty("final_loss_rel_diff") double finalLossRelDiff,
                      @JsonProperty("omp_num_threads") String ompNumThreads) {}

    static final double LR = 0.05;

    @Override
    public String name() {
        return "samediff";
    }

    @Override
    public String description() {
        return "ms per training step (forward, backward, SGD) of the same transformer: our autograd vs ND4J SameDiff";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                .desc("Timed steps per side; medians are reported (default 10)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                .desc("Untimed steps per side first (default 3)").build());
        o.addOption(Option.builder().longOpt("quick")
                .desc("Tiny model and batch (for tests), instead of the reference shape").build());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) {
        int steps = Args.intValue(cl, "steps", 10, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 3, 0, Limits.MAX_REPS);
        LmShape shape = StepBench.shape(cl);
        int[][][] batch = shape.batch(StepBench.BATCH_SEED);
        int b = shape.batch(), t = shape.seqLen(), v = shape.vocab();

        DecoderLM model = shape.model(StepBench.MODEL_SEED);
        model.setTrainable(true);
        // SameDiff side: variables are copies of the initial weights, taken before we train
        SdTransformer sdt = new SdTransformer(new SameDiffOracle(DType.FLOAT32), model.namedParameters(),
                shape.heads());
        SameDiff sd = sdt.oracle().sd();
        SDVariable h = sdt.stack("", batch[0], null, shape.layers(), shape.dModel(), shape.seqLen(), true, null, 0,
                null); // [B·T, C]
        SDVariable logits = sdt.linear("lm_head", h, false); // [B·T, V]
        SDVariable sdLoss = sdt.crossEntropy(logits, flatten(batch[1]), v);
        sd.setLossVariables(sdLoss);
        List<String> names = new ArrayList<>(sdt.oracle().parameterNames());
        createGradFunctionQuietly(sd);

        double initialRel = relDiff(ourLoss(model, batch), sdLossValue(sd, sdLoss));

        Sgd sgd = new Sgd(model.namedParameters(), SgdConfig.plain(LR));
        Runnable ours = () -> {
            sgd.zeroGrad();
            Var loss = model.loss(batch[0], batch[1], ForwardContext.eval());
            loss.backward();
            sgd.step();
            Timing.sink = loss;
        };
        Runnable theirs = () -> {
            Map<String, INDArray> g = sd.calculateGradients(Map.of(), names);
            for (String n : names) sd.getVariable(n).getArr().subi(g.get(n).muli(LR));
            Timing.sink = g;
        };
        double oursMs = medianMs(ours, warmup, steps);
        io.err().println("samediff: ours done (" + shape + ", " + b * t + " tokens)");
        double sdMs = medianMs(theirs, warmup, steps);
        io.err().println("samediff: SameDiff done");
        double finalRel = relDiff(ourLoss(model, batch), sdLossValue(sd, sdLoss));
        String omp = System.getenv("OMP_NUM_THREADS");
        return List.of(new Row(oursMs, sdMs, oursMs / sdMs, initialRel, finalRel, omp == null ? "unset" : omp));
    }

    /**
     * Builds SameDiff's gradient graph now (not inside the first timed step), without its System.out line per
     * differentiated op ("Added differentiated op ..."), which would otherwise land in the benchmark's table output.
     */
    private static void createGradFunctionQuietly(SameDiff sd) {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(stdout);
        }
    }

    private static double medianMs(Runnable step, int warmup, int steps) {
        for (int i = 0; i < warmup; i++) step.run();
        double[] ms = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return Timing.median(ms);
    }

    private static double ourLoss(DecoderLM model, int[][][] batch) {
        try (var s = GradMode.noGrad()) {
            return model.loss(batch[0], batch[1], ForwardContext.eval()).value().item();
        }
    }

    private static double sdLossValue(SameDiff sd, SDVariable loss) {
        return sd.output(Map.of(), loss.name()).get(loss.name()).getDouble(0);
    }

    private static double relDiff(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), Double.MIN_NORMAL);
    }

    private static int[] flatten(int[][] rows) {
        int t = rows[0].length;
        int[] flat = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * t, t); // [B][T] -> [B·T]
        return flat;
    }

    @Override
    protected Object json(List<Row> rows) {
        return rows.get(0);
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("ours ms", "SameDiff ms", "ours/SameDiff", "loss rel diff (start, end)", "OMP_NUM_THREADS");
        for (Row r : rows) {
            t.row(StepBench.fmt(r.oursMs()), StepBench.fmt(r.samediffMs()), String.format("%.2f", r.ratio()),
                    String.format("%.1e, %.1e", r.initialLossRelDiff(), r.finalLossRelDiff()), r.ompNumThreads());
        }
        return t;
    }
}

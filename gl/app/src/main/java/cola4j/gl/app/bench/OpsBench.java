package cola4j.gl.app.bench;

import cola4j.autograd.Var;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench ops}: the fixed cost of one small op, in microseconds, on 8×8 float32 tensors — the regime of
 * per-op overhead, where the arithmetic (64 flops) is nothing and allocation, dispatch and graph bookkeeping are
 * everything. For add, mul and sum (over all elements):
 * <ul>
 *   <li>engine: the {@link Tensor} op alone;</li>
 *   <li>autograd fwd: the {@link Var} op with both inputs requiring grad (records the node and its VJP);</li>
 *   <li>autograd fwd+bwd: the Var op, then {@code backward(ones)} into both leaves (gradients reset each call).</li>
 * </ul>
 * Target: ≤ 5 µs per autograd op (PyTorch on CPU: about 2 µs).
 *
 * <p>With {@code --sweep} it measures instead where splitting kernels over the cores pays ({@link OpsSweep}).
 */
public final class OpsBench extends BenchCommand<OpsBench.Result> {
    /** A row of either table: the per-op overhead ({@link Row}) or the serial-vs-split sweep ({@link OpsSweep.Row}). */
    sealed interface Result permits Row, OpsSweep.Row {}

    /**
     * One op.
     *
     * @param op              add, mul or sum
     * @param engineUs        µs per Tensor op
     * @param autogradFwdUs   µs per Var op (forward, graph recorded)
     * @param autogradFwdBwdUs µs per Var op plus backward with an upstream of ones
     */
    @JsonPropertyOrder({"op", "engine_us", "autograd_fwd_us", "autograd_fwd_bwd_us"})
    public record Row(@JsonProperty("op") String op, @JsonProperty("engine_us") double engineUs,
                      @JsonProperty("autograd_fwd_us") double autogradFwdUs,
                      @JsonProperty("autograd_fwd_bwd_us") double autogradFwdBwdUs) implements Result {}

    /** Side of the square operands. */
    static final int SIZE = 8;
    /** Warm-up lasts at least this long (and at least --warmup calls). */
    static final long WARMUP_NANOS = 500_000_000L;
    /** A timed sample lasts at least this long (thousands of calls). */
    static final long MIN_SAMPLE_NANOS = 2_000_000L;
    /** Largest element count of {@code --sweep}. */
    static final int MAX_SWEEP_NUMEL = 1 << 26;

    @Override
    public String name() {
        return "ops";
    }

    @Override
    public String description() {
        return "µs per small op (8×8 float32 add, mul, sum): engine vs autograd forward vs forward+backward";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("reps").hasArg().argName("N")
                .desc("Timed samples per measurement; the median is reported (default 51)").build());
        o.addOption(Option.builder().longOpt("sweep").desc("Instead: float32 kernels (add, exp, gelu, sum, layer "
                + "norm) of growing size, serial vs split over the cores (threshold of parallel kernels)").build());
        o.addOption(Option.builder().longOpt("numel").hasArg().argName("N,N,...").desc("Element counts of --sweep "
                + "(rounded up to rows of 256; default 4096,16384,65536,262144,1048576)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("Untimed calls before each "
                + "measurement, for the JIT; warm-up also lasts >= 0.5 s unless N is 0 (default 50000)").build());
    }

    @Override
    public List<Result> measure(CommandLine cl, Io io) {
        int reps = Args.intValue(cl, "reps", 51, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 50_000, 0, Limits.MAX_WARMUP);
        if (cl.hasOption("numel") && !cl.hasOption("sweep")) throw new UsageException("--numel needs --sweep");
        if (cl.hasOption("sweep")) {
            int[] sizes = Args.intList(cl, "numel", OpsSweep.DEFAULT_NUMEL, 1, MAX_SWEEP_NUMEL);
            List<Result> rows = new ArrayList<>(OpsSweep.measure(sizes, cl.hasOption("reps") ? reps : 15, warmup > 0));
            io.err().println("ops --sweep: float32 [n/256, 256]; split = max(2, threads) chunks whatever the size; "
                    + "speedup = median of serial/split over interleaved sample pairs; available processors: "
                    + Runtime.getRuntime().availableProcessors());
            return rows;
        }
        long warmupNanos = warmup == 0 ? 0 : WARMUP_NANOS;
        Rng rng = new Rng(7);
        Tensor x = rng.uniform(DType.FLOAT32, -1, 1, SIZE, SIZE), y = rng.uniform(DType.FLOAT32, -1, 1, SIZE, SIZE);
        List<Result> rows = new ArrayList<>();
        rows.add(row("add", x, y, Tensor::add, Var::add, warmup, warmupNanos, reps));
        rows.add(row("mul", x, y, Tensor::mul, Var::mul, warmup, warmupNanos, reps));
        rows.add(row("sum", x, y, (a, b) -> a.sum(false), (a, b) -> a.sum(false), warmup, warmupNanos, reps));
        return rows;
    }

    private static Row row(String op, Tensor x, Tensor y, BinaryOperator<Tensor> engineOp, BinaryOperator<Var> varOp,
                           int warmup, long warmupNanos, int reps) {
        Var a = Var.param(x), b = Var.param(y);
        Tensor ones = Tensor.onesLike(varOp.apply(a, b).value());
        Supplier<Tensor> engine = () -> engineOp.apply(x, y);
        Supplier<Var> fwd = () -> varOp.apply(a, b);
        Supplier<Tensor> fwdBwd = () -> {
            a.zeroGrad();
            b.zeroGrad();
            varOp.apply(a, b).backward(ones);
            return a.grad();
        };
        return new Row(op, us(engine, warmup, warmupNanos, reps), us(fwd, warmup, warmupNanos, reps),
                us(fwdBwd, warmup, warmupNanos, reps));
    }

    private static double us(Supplier<?> task, int warmup, long warmupNanos, int reps) {
        return 1e6 * Timing.medianSeconds(task, warmup, warmupNanos, reps, MIN_SAMPLE_NANOS);
    }

    @Override
    protected Table table(List<Result> rows) {
        if (!rows.isEmpty() && rows.get(0) instanceof OpsSweep.Row) {
            return OpsSweep.table(rows.stream().map(OpsSweep.Row.class::cast).toList());
        }
        Table t = new Table("op", "engine µs", "autograd fwd µs", "autograd fwd+bwd µs");
        for (Row r : rows.stream().map(Row.class::cast).toList()) {
            t.row(r.op(), fmt(r.engineUs()), fmt(r.autogradFwdUs()), fmt(r.autogradFwdBwdUs()));
        }
        return t;
    }

    private static String fmt(double v) {
        return String.format("%.2f", v);
    }
}

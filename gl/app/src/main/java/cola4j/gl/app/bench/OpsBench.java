package cola4j.gl.app.bench;

import cola4j.autograd.Var;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.tensor.Backend;
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
 * Target: ≤ 5 µs per autograd op (PyTorch on CPU: about 2 µs). With {@code --backend heap,nd4j} every op is
 * measured on each tensor backend in turn ({@link BackendList}; the operands are made on that backend, with the same
 * values): on nd4j each op is one or more ND4J calls, so the rows show ND4J's per-op cost next to the heap's. Each
 * row records the 1-minute load average at its end ({@code load1}, including this benchmark's own thread).
 *
 * <p>With {@code --sweep} it measures instead where splitting kernels over the cores pays ({@link OpsSweep}).
 */
public final class OpsBench extends BenchCommand<OpsBench.Result> {
    /** A row of either table: the per-op overhead ({@link Row}) or the serial-vs-split sweep ({@link OpsSweep.Row}). */
    sealed interface Result permits Row, OpsSweep.Row {}

    /**
     * One op on one backend.
     *
     * @param backend          the tensor backend of the operands (heap or nd4j)
     * @param op               add, mul or sum
     * @param engineUs         µs per Tensor op
     * @param autogradFwdUs    µs per Var op (forward, graph recorded)
     * @param autogradFwdBwdUs µs per Var op plus backward with an upstream of ones
     * @param load1            the 1-minute load average at the end of this row's measurement
     */
    @JsonPropertyOrder({"backend", "op", "engine_us", "autograd_fwd_us", "autograd_fwd_bwd_us", "load1"})
    public record Row(@JsonProperty("backend") String backend, @JsonProperty("op") String op,
                      @JsonProperty("engine_us") double engineUs,
                      @JsonProperty("autograd_fwd_us") double autogradFwdUs,
                      @JsonProperty("autograd_fwd_bwd_us") double autogradFwdBwdUs,
                      @JsonProperty("load1") double load1) implements Result {}

    /** Side of the square operands. */
    static final int SIZE = 8;
    /** Warm-up lasts at least this long (and at least --warmup calls). */
    static final long WARMUP_NANOS = 500_000_000L;
    /**
     * Warm-up stops after this long even before --warmup calls: 50 000 calls take ~50 ms on the heap but seconds for
     * an ND4J op of tens of µs (the cap binds only there).
     */
    static final long MAX_WARMUP_NANOS = 3_000_000_000L;
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
        return "µs per small op (8×8 float32 add, mul, sum) per backend: engine vs autograd forward vs "
                + "forward+backward";
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
                + "measurement, for the JIT; warm-up also lasts >= 0.5 s unless N is 0, and at most 3 s "
                + "(default 50000)").build());
        o.addOption(BackendList.option());
    }

    @Override
    public List<Result> measure(CommandLine cl, Io io) {
        int reps = Args.intValue(cl, "reps", 51, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 50_000, 0, Limits.MAX_WARMUP);
        if (cl.hasOption("numel") && !cl.hasOption("sweep")) throw new UsageException("--numel needs --sweep");
        if (cl.hasOption("sweep") && cl.hasOption(BackendList.OPTION)) {
            throw new UsageException("--backend does not apply to --sweep (it times the heap kernels' loops)");
        }
        if (cl.hasOption("sweep")) {
            int[] sizes = Args.intList(cl, "numel", OpsSweep.DEFAULT_NUMEL, 1, MAX_SWEEP_NUMEL);
            int sweepReps = cl.hasOption("reps") ? reps : 15;
            List<Result> rows = new ArrayList<>(Backend.with(Backend.HEAP,
                    () -> OpsSweep.measure(sizes, sweepReps, warmup > 0)));
            io.err().println("ops --sweep (heap kernels): float32 [n/256, 256]; split = max(2, threads) chunks "
                    + "whatever the size; speedup = median of serial/split over interleaved sample pairs; "
                    + "available processors: " + Runtime.getRuntime().availableProcessors());
            return rows;
        }
        long warmupNanos = warmup == 0 ? 0 : WARMUP_NANOS;
        List<Backend> backends = BackendList.parse(cl);
        io.err().println("ops: load average (1, 5, 15 min) at start: " + AllBench.Machine.loadAverage());
        List<Result> rows = new ArrayList<>();
        for (Backend backend : backends) {
            rows.addAll(Backend.with(backend, () -> {
                Rng rng = new Rng(7); // the same operands on every backend
                Tensor x = rng.uniform(DType.FLOAT32, -1, 1, SIZE, SIZE);
                Tensor y = rng.uniform(DType.FLOAT32, -1, 1, SIZE, SIZE);
                if (x.backend() != backend) throw new IllegalStateException("ops: operands not on " + backend.label());
                String b = backend.label();
                return List.of(row(b, "add", x, y, Tensor::add, Var::add, warmup, warmupNanos, reps),
                        row(b, "mul", x, y, Tensor::mul, Var::mul, warmup, warmupNanos, reps),
                        row(b, "sum", x, y, (p, q) -> p.sum(false), (p, q) -> p.sum(false), warmup, warmupNanos,
                                reps));
            }));
            io.err().printf("ops: %s done (load %.2f)%n", backend.label(), AllBench.Machine.load1());
        }
        io.err().println("ops: load average at end: " + AllBench.Machine.loadAverage());
        return rows;
    }

    private static Row row(String backend, String op, Tensor x, Tensor y, BinaryOperator<Tensor> engineOp,
                           BinaryOperator<Var> varOp, int warmup, long warmupNanos, int reps) {
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
        return new Row(backend, op, us(engine, warmup, warmupNanos, reps), us(fwd, warmup, warmupNanos, reps),
                us(fwdBwd, warmup, warmupNanos, reps), AllBench.Machine.load1());
    }

    private static double us(Supplier<?> task, int warmup, long warmupNanos, int reps) {
        return 1e6 * Timing.medianSeconds(task, warmup, warmupNanos, MAX_WARMUP_NANOS, reps, MIN_SAMPLE_NANOS);
    }

    @Override
    protected Table table(List<Result> rows) {
        if (!rows.isEmpty() && rows.get(0) instanceof OpsSweep.Row) {
            return OpsSweep.table(rows.stream().map(OpsSweep.Row.class::cast).toList());
        }
        Table t = new Table("backend", "op", "engine µs", "autograd fwd µs", "autograd fwd+bwd µs", "load1")
                .alignLeft(0, 1);
        for (Row r : rows.stream().map(Row.class::cast).toList()) {
            t.row(r.backend(), r.op(), StepBench.fmt(r.engineUs()), StepBench.fmt(r.autogradFwdUs()),
                    StepBench.fmt(r.autogradFwdBwdUs()), String.format("%.2f", r.load1()));
        }
        return t;
    }
}

package cola4j.gl.app.bench;

import cola4j.gl.app.io.DTypeJson;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
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
import java.util.function.Supplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cola bench gemm}: GFLOP/s of an n×n by n×n product (2n³ flops) for float32 and float64, three ways on
 * the same operands, for each tensor backend of {@code --backend heap,nd4j} in turn ({@link BackendList}):
 * <ul>
 *   <li>engine: {@link Tensor#matmul} as the engine runs it on that backend — heap: Java arrays, operands copied
 *       into native buffers, OpenBLAS, the product copied back into a new array; nd4j: the operands are INDArrays,
 *       a new zero INDArray for the product and {@code Nd4j.gemm} into it (no host copies);</li>
 *   <li>direct: {@code cblas_sgemm}/{@code cblas_dgemm} on the native buffers of ND4J arrays (no copies, no
 *       allocation: the BLAS ceiling on this machine; the same reference in every backend's row);</li>
 *   <li>nd4j: {@code INDArray.mmul} (ND4J used directly, allocating the product each call; also a reference).</li>
 * </ul>
 * engine/direct near 1 means the engine's overhead (copies, allocation, dispatch) is cheap next to the O(n³)
 * product. Each row also records the 1-minute load average when it was measured ({@code load1}, which includes
 * this benchmark's own BLAS threads).
 */
public final class GemmBench extends BenchCommand<GemmBench.Row> {
    /**
     * One measured backend, size and dtype.
     *
     * @param backend      the tensor backend of the engine column (heap or nd4j)
     * @param n            the matrices are n×n
     * @param dtype        float32 or float64
     * @param engineGflops through {@link Tensor#matmul} on {@code backend}
     * @param directGflops through cblas_?gemm on ND4J buffers
     * @param nd4jGflops   through {@code INDArray.mmul}
     * @param ratio        engine/direct throughput: the median over interleaved sample pairs (see
     *                     {@code Timing.paired}), more robust on a shared machine than the ratio of the two medians
     * @param load1        the 1-minute load average at the end of this row's measurement
     */
    @JsonPropertyOrder({"backend", "n", "dtype", "engine_gflops", "direct_gflops", "nd4j_gflops",
            "engine_over_direct", "load1"})
    public record Row(@JsonProperty("backend") String backend, @JsonProperty("n") int n,
                      @JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
                      @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype,
                      @JsonProperty("engine_gflops") double engineGflops,
                      @JsonProperty("direct_gflops") double directGflops,
                      @JsonProperty("nd4j_gflops") double nd4jGflops,
                      @JsonProperty("engine_over_direct") double ratio, @JsonProperty("load1") double load1) {}

    /** From where ND4J's per-op overhead shows (64) to where the O(n³) product dominates (1024). */
    static final int[] DEFAULT_SIZES = {64, 256, 512, 1024};
    /** A timed sample lasts at least this long (several calls for small n). */
    static final long MIN_SAMPLE_NANOS = 20_000_000L;
    /** Default warm-up time per task and size, before any sample (JIT, BLAS threads, first touch of heap pages). */
    static final int DEFAULT_WARMUP_MS = 1000;

    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public String description() {
        return "GFLOP/s of n×n matmul per backend: engine (Tensor.matmul) vs direct OpenBLAS vs ND4J mmul";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("sizes").hasArg().argName("N,N,...")
                .desc("Matrix sizes n (default 64,256,512,1024)").build());
        o.addOption(Option.builder().longOpt("reps").hasArg().argName("N")
                .desc("Timed sample pairs (engine, direct) per size; medians are reported (default 15)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                .desc("Untimed calls before timing ND4J mmul (default 2)").build());
        o.addOption(Option.builder().longOpt("warmup-ms").hasArg().argName("MS")
                .desc("Warm-up time of engine and of direct BLAS, each, per size (default " + DEFAULT_WARMUP_MS + ")")
                .build());
        o.addOption(BackendList.option());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) {
        int[] sizes = Args.intList(cl, "sizes", DEFAULT_SIZES, 1, Limits.MAX_GEMM);
        int reps = Args.intValue(cl, "reps", 15, 1, Limits.MAX_REPS);
        int warmup = Args.intValue(cl, "warmup", 2, 0, Limits.MAX_REPS);
        long warmupNanos = Args.intValue(cl, "warmup-ms", DEFAULT_WARMUP_MS, 0, Limits.MAX_WARMUP_MS) * 1_000_000L;
        List<Backend> backends = BackendList.parse(cl);
        io.err().println("gemm: load average (1, 5, 15 min) at start: " + AllBench.Machine.loadAverage());
        List<Row> rows = new ArrayList<>();
        for (Backend backend : backends) {
            Rng rng = new Rng(42); // the same operands on every backend
            for (int n : sizes) {
                for (DType dt : DType.values()) {
                    rows.add(Backend.with(backend, () -> row(backend, rng, n, dt, reps, warmup, warmupNanos)));
                }
                io.err().printf("gemm: n = %d on %s done (load %.2f)%n", n, backend.label(),
                        rows.get(rows.size() - 1).load1());
            }
        }
        io.err().println("gemm: engine and direct: " + reps + " interleaved sample pairs after "
                + warmupNanos / 1_000_000 + " ms warm-up each, engine/direct = median of the pair ratios; "
                + "OpenBLAS threads: " + openblas.blas_get_num_threads() + ", available processors: "
                + Runtime.getRuntime().availableProcessors() + "; load average at end: "
                + AllBench.Machine.loadAverage());
        return rows;
    }

    /** One row, with {@code backend} selected (the operands are made on it). */
    private static Row row(Backend backend, Rng rng, int n, DType dt, int reps, int warmup, long warmupNanos) {
        Tensor a = rng.uniform(dt, -1, 1, n, n), b = rng.uniform(dt, -1, 1, n, n);
        if (a.backend() != backend) throw new IllegalStateException("gemm: operands not on " + backend.label());
        INDArray na = a.toINDArray(), nb = b.toINDArray(), nc = Tensor.zeros(dt, n, n).toINDArray();
        double flops = 2.0 * n * n * n;
        // Engine and direct BLAS interleaved sample by sample; ND4J mmul (a reference) on its own.
        double[] pair = Timing.paired(() -> a.matmul(b), direct(dt, n, na, nb, nc), warmupNanos, reps,
                MIN_SAMPLE_NANOS);
        double nd4j = flops / 1e9 / Timing.medianSeconds(() -> na.mmul(nb), warmup, 0, Math.min(reps, 7),
                MIN_SAMPLE_NANOS);
        return new Row(backend.label(), n, dt, flops / 1e9 / pair[0], flops / 1e9 / pair[1], nd4j, pair[2],
                AllBench.Machine.load1());
    }

    /** C = A·B by cblas_?gemm straight on the ND4J arrays' native buffers (row-major, no copies). */
    private static Supplier<?> direct(DType dt, int n, INDArray a, INDArray b, INDArray c) {
        int row = openblas.CblasRowMajor, no = openblas.CblasNoTrans;
        if (dt == DType.FLOAT32) {
            FloatPointer pa = (FloatPointer) a.data().pointer(), pb = (FloatPointer) b.data().pointer(),
                    pc = (FloatPointer) c.data().pointer();
            return () -> {
                openblas.cblas_sgemm(row, no, no, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
                return pc;
            };
        }
        DoublePointer pa = (DoublePointer) a.data().pointer(), pb = (DoublePointer) b.data().pointer(),
                pc = (DoublePointer) c.data().pointer();
        return () -> {
            openblas.cblas_dgemm(row, no, no, n, n, n, 1.0, pa, n, pb, n, 0.0, pc, n);
            return pc;
        };
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("backend", "n", "dtype", "engine GFLOP/s", "direct GFLOP/s", "nd4j mmul GFLOP/s",
                "engine/direct", "load1").alignLeft(0, 2);
        for (Row r : rows) {
            t.row(r.backend(), Integer.toString(r.n()), r.dtype().cliName, fmt(r.engineGflops()),
                    fmt(r.directGflops()), fmt(r.nd4jGflops()), String.format("%.2f", r.ratio()),
                    String.format("%.2f", r.load1()));
        }
        return t;
    }

    /** One decimal; two below 10 GFLOP/s (ND4J's small products). */
    private static String fmt(double v) {
        return String.format(v < 10 ? "%.2f" : "%.1f", v);
    }
}

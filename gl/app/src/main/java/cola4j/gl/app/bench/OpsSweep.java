package cola4j.gl.app.bench;

import cola4j.gl.app.io.Table;
import cola4j.tensor.DType;
import cola4j.tensor.Fused;
import cola4j.tensor.Parallel;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * {@code cola bench ops --sweep}: where splitting a kernel over the cores starts to pay. For float32 kernels of
 * growing size, the same call run on the calling thread ({@link Parallel#serial}) and split over
 * max(2, {@link Parallel#threads()}) chunks whatever its size ({@link Parallel#forced}), timed as interleaved sample
 * pairs ({@link Timing#paired}); speedup = serial time / split time. The kernels: add (one flop per element, memory
 * bound), exp and GELU (transcendental), sum over the last axis and layer norm (rows of {@value #C}). The size where
 * the speedup passes 1 is the threshold {@code Parallel.GRAIN} (recorded in docs/performance.md).
 */
final class OpsSweep {
    private OpsSweep() {}

    /** Row length of the row kernels (sum over the last axis, layer norm): the reference model width. */
    static final int C = 256;
    /** Default sizes in elements. */
    static final int[] DEFAULT_NUMEL = {4096, 16384, 65536, 262144, 1048576};
    /** Warm-up per task and size. */
    static final long WARMUP_NANOS = 200_000_000L;
    /** A timed sample lasts at least this long. */
    static final long MIN_SAMPLE_NANOS = 2_000_000L;

    /**
     * One kernel at one size.
     *
     * @param op         add, exp, gelu, sum_last or layer_norm
     * @param numel      elements of the input ([numel / 256, 256])
     * @param threads    {@link Parallel#threads()}
     * @param serialUs   µs per call on the calling thread
     * @param parallelUs µs per call split into chunks
     * @param speedup    median over sample pairs of serial / split time
     */
    @JsonPropertyOrder({"op", "numel", "threads", "serial_us", "parallel_us", "speedup"})
    record Row(@JsonProperty("op") String op, @JsonProperty("numel") int numel, @JsonProperty("threads") int threads,
               @JsonProperty("serial_us") double serialUs, @JsonProperty("parallel_us") double parallelUs,
               @JsonProperty("speedup") double speedup) implements OpsBench.Result {}

    static List<Row> measure(int[] sizes, int reps, boolean warm) {
        Map<String, BinaryOperator<Tensor>> ops = new LinkedHashMap<>();
        ops.put("add", Tensor::add);
        ops.put("exp", (x, y) -> x.exp());
        ops.put("gelu", (x, y) -> Fused.gelu(x));
        ops.put("sum_last", (x, y) -> x.sum(false, -1));
        ops.put("layer_norm", (x, y) -> Fused.layerNorm(x, null, null, 1e-5)[0]);
        long warmup = warm ? WARMUP_NANOS : 0;
        Rng rng = new Rng(5);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, BinaryOperator<Tensor>> op : ops.entrySet()) {
            for (int size : sizes) {
                int r = Math.max(1, (size + C - 1) / C);
                Tensor x = rng.uniform(DType.FLOAT32, -2, 2, r, C), y = rng.uniform(DType.FLOAT32, -2, 2, r, C);
                BinaryOperator<Tensor> f = op.getValue();
                double[] p = Timing.paired(() -> Parallel.forced(() -> f.apply(x, y)),
                        () -> Parallel.serial(() -> f.apply(x, y)), warmup, reps, MIN_SAMPLE_NANOS);
                rows.add(new Row(op.getKey(), r * C, Parallel.threads(), 1e6 * p[1], 1e6 * p[0], p[2]));
            }
        }
        return rows;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("op", "elements", "threads", "serial µs", "split µs", "speedup");
        for (Row r : rows) {
            t.row(r.op(), Integer.toString(r.numel()), Integer.toString(r.threads()), String.format("%.1f",
                    r.serialUs()), String.format("%.1f", r.parallelUs()), String.format("%.2f", r.speedup()));
        }
        return t;
    }
}

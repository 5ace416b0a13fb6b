package cola4j.oracle;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A SameDiff graph used as an independent gradient oracle for cola4j's autograd.
 *
 * <p>Usage: declare the same weights with {@link #param} (trainable, float64) and {@link #constant}, build the
 * same computation with SameDiff ops on {@link #sd()}, then {@link #run} a scalar loss to get its value and the
 * gradient of every declared parameter, as cola4j {@link Tensor}s. Compare with {@link #relError}.
 * SameDiff computes gradients with its own op VJPs (libnd4j's *_bp kernels), which share no code with ours.
 * It needs the nd4j-native backend at runtime; it comes to this module through cola4j-tensor.
 */
public final class SameDiffOracle {
    private final SameDiff sd = SameDiff.create();
    private final List<String> params = new ArrayList<>();
    private final DType dtype;

    /** A float64 oracle (the precision every equivalence test uses). */
    public SameDiffOracle() {
        this(DType.FLOAT64);
    }

    /**
     * An oracle whose parameters and constants are stored as {@code dtype} (float32 for speed comparisons, e.g.
     * {@code cola bench samediff}; the equivalence tests use float64).
     */
    public SameDiffOracle(DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("SameDiffOracle: dtype is null");
        this.dtype = dtype;
    }

    /** Element type of every parameter and constant of this graph. */
    public DType dtype() {
        return dtype;
    }

    /** Names of the declared parameters, in declaration order. */
    public List<String> parameterNames() {
        return java.util.Collections.unmodifiableList(params);
    }

    /** Values and parameter gradients of one run. */
    public record Result(double loss, Map<String, Tensor> grads) {}

    public SameDiff sd() {
        return sd;
    }

    /** A trainable variable of this oracle's dtype holding a copy of {@code value}. */
    public SDVariable param(String name, Tensor value) {
        params.add(name);
        return sd.var(name, converted(value));
    }

    /** A constant of this oracle's dtype (no gradient). */
    public SDVariable constant(String name, Tensor value) {
        return sd.constant(name, converted(value));
    }

    /** Sets {@code loss} (a scalar) as the loss and returns its value and the gradients of all params. */
    public Result run(SDVariable loss) {
        sd.setLossVariables(loss);
        INDArray value = sd.output(Map.of(), loss.name()).get(loss.name());
        if (value.length() != 1) {
            throw new IllegalArgumentException("SameDiffOracle.run: loss has shape "
                    + java.util.Arrays.toString(value.shape()));
        }
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), params);
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String p : params) grads.put(p, Tensor.of(g.get(p)));
        return new Result(value.getDouble(0), grads);
    }

    /** Values of any variables (forward only). */
    public Tensor eval(SDVariable v) {
        return Tensor.of(sd.output(Map.of(), v.name()).get(v.name()));
    }

    /** GELU, GPT-2 tanh form, from SameDiff primitives: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    public SDVariable gelu(SDVariable x) {
        SDVariable inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(0.5).mul(sd.math().tanh(inner).add(1.0));
    }

    /** LayerNorm over the last axis (biased variance) from SameDiff primitives: (x - μ)/√(σ² + eps)·γ + β. */
    public SDVariable layerNorm(SDVariable x, SDVariable gamma, SDVariable beta, double eps, int lastAxis) {
        SDVariable centered = x.sub(x.mean(true, lastAxis));
        SDVariable variance = centered.mul(centered).mean(true, lastAxis);
        return centered.div(sd.math().sqrt(variance.add(eps))).mul(gamma).add(beta);
    }

    /**
     * Relative error of {@code actual} against the oracle: max|a - e| / max|e| (norm-wise, so near-zero entries
     * are judged on the tensor's scale). Shapes must match.
     */
    public static double relError(Tensor actual, Tensor expected) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalArgumentException("relError: shape " + java.util.Arrays.toString(actual.shape()) + " vs "
                    + java.util.Arrays.toString(expected.shape()));
        }
        return actual.maxAbsDiff(expected) / Math.max(expected.maxAbs(), Double.MIN_NORMAL);
    }

    /** Relative error of two scalars. */
    public static double relError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
    }

    /** A fresh INDArray copy of {@code t} in this oracle's dtype. */
    private INDArray converted(Tensor t) {
        INDArray a = t.toINDArray();
        DataType want = dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        return a.dataType() == want ? a : a.castTo(want);
    }
}

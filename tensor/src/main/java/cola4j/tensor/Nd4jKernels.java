package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@link Backend#ND4J} kernels of {@link Elementwise}, {@link Reductions}, {@link InPlace} and
 * {@link Inspection}: the same contracts (shapes, broadcasting, dtypes, errors — checked by the heap classes' entry
 * methods before they dispatch here), computed by ND4J. Binary ops are libnd4j's broadcastable custom ops
 * ({@code add}, {@code subtract}, ..., {@code greater_equal}); comparisons come back as BOOL and are cast to the
 * operands' dtype. float64 results agree with the heap kernels to rounding (≤ 1e-12 relative, Nd4jBackendTest);
 * float32 ones may differ in the last bits (ND4J rounds reductions and fused composites in float).
 */
final class Nd4jKernels {
    private Nd4jKernels() {}

    private static String opName(Elementwise.Bin op) {
        switch (op) {
            case ADD: return "add";
            case SUB: return "subtract";
            case MUL: return "multiply";
            case DIV: return "divide";
            case MAX: return "maximum";
            case GT: return "greater";
            case GE: return "greater_equal";
            default: return "equals";
        }
    }

    /** a (op) b with NumPy broadcasting to {@code out}. */
    static Tensor binary(Elementwise.Bin op, Tensor a, Tensor b, int[] out) {
        if (Shapes.numel(out) == 0) return Nd4jArrays.zeros(a.dtype(), out); // ND4J refuses ops on empty arrays
        INDArray x = Nd4jArrays.of(a), y = Nd4jArrays.of(b);
        boolean cmp = op == Elementwise.Bin.GT || op == Elementwise.Bin.GE || op == Elementwise.Bin.EQ;
        DataType dt = Nd4jArrays.nd(a.dtype());
        INDArray z = Nd4j.create(cmp ? DataType.BOOL : dt, Nd4jArrays.longs(out));
        if (out.length == 0) { // libnd4j's broadcast custom ops want rank >= 1 here: compute as [1]
            z = z.reshape(1);
            x = x.reshape(1);
            y = y.reshape(1);
        }
        Nd4j.exec(DynamicCustomOp.builder(opName(op)).addInputs(x, y).addOutputs(z).build());
        if (op == Elementwise.Bin.MAX) z = nanPropagating(x, y, z);
        if (out.length == 0) z = z.reshape(new long[0]);
        return Nd4jArrays.wrap(cmp ? z.castTo(dt) : z, out);
    }

    /**
     * libnd4j's maximum(NaN, y) is y; {@link Math#max} (the heap's, and the contract) gives NaN. Where an operand
     * is NaN the result is made NaN (two reductions when none is, the common case).
     */
    private static INDArray nanPropagating(INDArray x, INDArray y, INDArray z) {
        int[] out = Arrays.stream(z.shape()).mapToInt(Math::toIntExact).toArray();
        for (INDArray o : new INDArray[] {x, y}) {
            if (!BooleanIndexing.or(o, Conditions.isNan())) continue;
            INDArray ob = broadcast(o, out), r = Nd4j.create(z.dataType(), z.shape());
            Nd4j.exec(DynamicCustomOp.builder("select").addInputs(ob.neq(ob), ob, z).addOutputs(r).build());
            z = r;
        }
        return z;
    }

    /** a (op) s; float32 rounds s to float first (as the heap kernel). */
    static Tensor scalar(Elementwise.Bin op, Tensor a, double s) {
        if (a.numel() == 0) return Nd4jArrays.zeros(a.dtype(), a.shape());
        double v = a.dtype() == DType.FLOAT32 ? (float) s : s;
        INDArray x = Nd4jArrays.of(a);
        if (op == Elementwise.Bin.ADD) return Nd4jArrays.wrap(x.add(v), a.shape());
        if (op == Elementwise.Bin.MUL) return Nd4jArrays.wrap(x.mul(v), a.shape());
        Tensor st = Nd4jArrays.wrap(Nd4j.scalar(Nd4jArrays.nd(a.dtype()), v), new int[0]);
        return binary(op, a, st, a.shape());
    }

    static Tensor unary(Elementwise.Un op, Tensor a, double p) {
        if (a.numel() == 0) return Nd4jArrays.zeros(a.dtype(), a.shape());
        INDArray x = Nd4jArrays.of(a), z;
        switch (op) {
            case NEG: z = x.neg(); break;
            case EXP: z = Transforms.exp(x, true); break;
            case LOG: z = Transforms.log(x, true); break;
            case SQRT: z = Transforms.sqrt(x, true); break;
            case TANH: z = Transforms.tanh(x, true); break;
            case ABS: z = Transforms.abs(x, true); break;
            default:
                if (p == 1.0) z = x.dup('c');
                else if (p == 2.0) z = x.mul(x);
                else z = Transforms.pow(x, p, true);
        }
        return Nd4jArrays.wrap(z, a.shape());
    }

    /** mask ? a : b, all three broadcast to {@code out} (mask nonzero is true). */
    static Tensor where(Tensor mask, Tensor a, Tensor b, int[] out) {
        if (Shapes.numel(out) == 0) return Nd4jArrays.zeros(a.dtype(), out);
        INDArray m = broadcast(Nd4jArrays.of(mask), out).neq(0);
        INDArray x = broadcast(Nd4jArrays.of(a), out), y = broadcast(Nd4jArrays.of(b), out);
        if (out.length == 0) {
            m = m.reshape(1);
            x = x.reshape(1);
            y = y.reshape(1);
        }
        INDArray z = Nd4j.create(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("select").addInputs(m, x, y).addOutputs(z).build());
        return Nd4jArrays.wrap(out.length == 0 ? z.reshape(new long[0]) : z, out);
    }

    /** x broadcast (materialized) to {@code out}, x itself if the shapes already match. */
    static INDArray broadcast(INDArray x, int[] out) {
        long[] o = Nd4jArrays.longs(out);
        if (Arrays.equals(x.shape(), o)) return x;
        long[] padded = new long[o.length];
        Arrays.fill(padded, 1);
        long[] s = x.shape();
        System.arraycopy(s, 0, padded, o.length - s.length, s.length);
        INDArray r = x.reshape('c', padded);
        return Arrays.equals(padded, o) ? r : r.broadcast(o);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum, mean or max over the marked axes; the result is reshaped to {@code outShape}. */
    static Tensor reduce(Tensor t, boolean[] red, String kind, int[] outShape) {
        INDArray x = Nd4jArrays.of(t);
        int[] axes = java.util.stream.IntStream.range(0, red.length).filter(i -> red[i]).toArray();
        if (t.numel() == 0) { // as the heap: an empty sum is 0, an empty mean 0/0, an empty max -inf
            double v = kind.equals("sum") ? 0 : kind.equals("mean") ? Double.NaN : Double.NEGATIVE_INFINITY;
            if (Shapes.numel(outShape) == 0) return Nd4jArrays.zeros(t.dtype(), outShape);
            return Nd4jArrays.wrap(Nd4j.valueArrayOf(Nd4jArrays.longs(outShape), v, x.dataType()), outShape);
        }
        INDArray z;
        if (t.rank() == 0 || axes.length == 0) {
            z = x.dup('c');
        } else if (kind.equals("max")) {
            z = x.max(true, axes);
        } else if (kind.equals("mean")) {
            z = x.mean(true, axes);
        } else {
            z = x.sum(true, axes);
        }
        return Nd4jArrays.wrap(Nd4jArrays.contiguous(z).reshape('c', Nd4jArrays.longs(outShape)), outShape);
    }

    /** Σ of all elements, accumulated in double. */
    static double sumAll(Tensor t) {
        if (t.numel() == 0) return 0;
        INDArray x = Nd4jArrays.of(t);
        return (x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
    }

    // ------------------------------------------------------------------ in place

    static Tensor addScaled(Tensor t, Tensor other, double alpha) {
        t.storage.version++;
        if (t.nd == null) { // a heap tensor updated from an ND4J one: the heap kernel over a counted download
            Tensor o = other.dtype() == DType.FLOAT64 ? new Tensor(Nd4jArrays.doubles(other), other.shape())
                    : new Tensor(Nd4jArrays.floats(other), other.shape());
            return InPlace.addScaled(t, o, alpha);
        }
        double a = t.dtype() == DType.FLOAT32 ? (float) alpha : alpha;
        t.nd.addi(Nd4jArrays.of(other).mul(a));
        return t;
    }

    static Tensor copy(Tensor t, Tensor other) {
        t.storage.version++;
        if (t.nd == null) {
            Tensor o = other.dtype() == DType.FLOAT64 ? new Tensor(Nd4jArrays.doubles(other), other.shape())
                    : new Tensor(Nd4jArrays.floats(other), other.shape());
            return InPlace.copy(t, o);
        }
        t.nd.assign(Nd4jArrays.of(other));
        return t;
    }

    // ------------------------------------------------------------------ inspection

    static boolean isFinite(Tensor t) {
        if (t.numel() == 0) return true;
        INDArray x = Nd4jArrays.of(t);
        return !BooleanIndexing.or(x, Conditions.isNan()) && !BooleanIndexing.or(x, Conditions.isInfinite());
    }

    static double maxAbs(Tensor t) {
        return t.numel() == 0 ? 0 : Nd4jArrays.of(t).amaxNumber().doubleValue();
    }

    /** √Σx², accumulated in double. */
    static double norm(Tensor t) {
        if (t.numel() == 0) return 0;
        INDArray x = Nd4jArrays.of(t);
        INDArray dx = x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
        return Math.sqrt(dx.mul(dx).sumNumber().doubleValue());
    }

    /** max |a − b| for same-dtype operands (widened to double). */
    static double maxAbsDiff(Tensor a, Tensor b) {
        if (a.numel() == 0) return 0;
        INDArray x = Nd4jArrays.of(a), y = Nd4jArrays.of(b);
        if (x.dataType() != DataType.DOUBLE) x = x.castTo(DataType.DOUBLE);
        if (y.dataType() != DataType.DOUBLE) y = y.castTo(DataType.DOUBLE);
        return x.reshape(a.numel()).sub(y.reshape(b.numel())).amaxNumber().doubleValue();
    }
}

package cola4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Explicit conversions between {@link Tensor} (heap {@code float[]}/{@code double[]}, row-major) and ND4J's
 * {@link INDArray}, behind {@link Tensor#of(INDArray)} and {@link Tensor#toINDArray()}. Both copy, so neither side
 * sees later writes to the other; dtypes map float32 ↔ FLOAT and float64 ↔ DOUBLE, and nothing else is accepted.
 * Used for SameDiff cross-checks and interop, never on the engine's per-op path (an ND4J allocation costs 13–18 µs).
 * An ND4J-backend tensor converts without leaving ND4J (a dup); heap ↔ ND4J copies are counted in {@link Transfers}.
 */
final class Nd4jInterop {
    private Nd4jInterop() {}

    /** Copies an ND4J array (float or double, any order) into a new tensor of the same dtype and shape. */
    static Tensor fromINDArray(INDArray a) {
        if (Backend.current() == Backend.ND4J) return Nd4jArrays.wrap(a.dup('c')); // stays in ND4J: no host copy
        Transfers.download(a.length());
        int[] shape = Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
        INDArray c = a.dup('c');
        if (a.dataType() == DataType.DOUBLE) return new Tensor(c.data().asDouble(), shape);
        if (a.dataType() == DataType.FLOAT) return new Tensor(c.data().asFloat(), shape);
        throw new IllegalArgumentException("tensor: unsupported ND4J dtype " + a.dataType()
                + " (float or double only)");
    }

    /** A new c-order ND4J array with t's dtype, shape and contents. */
    static INDArray toINDArray(Tensor t) {
        if (t.nd != null) return t.nd.dup('c');
        Transfers.upload(t.numel());
        long[] s = Arrays.stream(t.shape()).asLongStream().toArray();
        return t.d != null ? Nd4j.create(t.d.clone(), s, DataType.DOUBLE) : Nd4j.create(t.f.clone(), s, 'c');
    }
}

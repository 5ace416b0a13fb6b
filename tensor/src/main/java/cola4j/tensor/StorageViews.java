package cola4j.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Read-only views of a tensor's storage, for codecs that copy the elements straight out of it into a message or a
 * file ({@code cola4j.tensor.io.TensorCodec}): no copy is made, and a view cannot write, so the tensor still changes
 * only through its own in-place methods. A view covers the whole storage, row-major, position 0, limit numel.
 * An {@link Backend#ND4J} tensor has no heap storage: its view wraps one download of its elements (a copy, counted
 * in {@link Transfers} like every copy out of ND4J).
 */
public final class StorageViews {
    private StorageViews() {}

    /** The float32 storage of {@code t}, read-only; IllegalArgumentException for a float64 tensor. */
    public static FloatBuffer floats(Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("storage views: a " + t.dtype() + " tensor has no floats");
        }
        if (t.f == null) return FloatBuffer.wrap(t.toFloatArray()).asReadOnlyBuffer();
        return FloatBuffer.wrap(t.f).asReadOnlyBuffer();
    }

    /** The float64 storage of {@code t}, read-only; IllegalArgumentException for a float32 tensor. */
    public static DoubleBuffer doubles(Tensor t) {
        if (t.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("storage views: a " + t.dtype() + " tensor has no doubles");
        }
        if (t.d == null) return DoubleBuffer.wrap(t.toDoubleArray()).asReadOnlyBuffer();
        return DoubleBuffer.wrap(t.d).asReadOnlyBuffer();
    }
}

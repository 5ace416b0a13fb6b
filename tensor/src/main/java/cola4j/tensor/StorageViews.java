package cola4j.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Read-only views of a tensor's storage, for codecs that copy the elements straight out of it into a message or a
 * file ({@code cola4j.tensor.io.TensorCodec}): no copy is made, and a view cannot write, so the tensor still changes
 * only through its own in-place methods. A view covers the whole storage, row-major, position 0, limit numel.
 */
public final class StorageViews {
    private StorageViews() {}

    /** The float32 storage of {@code t}, read-only; IllegalArgumentException for a float64 tensor. */
    public static FloatBuffer floats(Tensor t) {
        if (t.f == null) throw new IllegalArgumentException("storage views: a " + t.dtype() + " tensor has no floats");
        return FloatBuffer.wrap(t.f).asReadOnlyBuffer();
    }

    /** The float64 storage of {@code t}, read-only; IllegalArgumentException for a float32 tensor. */
    public static DoubleBuffer doubles(Tensor t) {
        if (t.d == null) throw new IllegalArgumentException("storage views: a " + t.dtype() + " tensor has no doubles");
        return DoubleBuffer.wrap(t.d).asReadOnlyBuffer();
    }
}

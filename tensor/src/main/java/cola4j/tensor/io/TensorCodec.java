package cola4j.tensor.io;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian element encoding of one tensor's data range, for each {@link StorageType}. */
final class TensorCodec {
    private TensorCodec() {}

    private static final int CHUNK = 1 << 14; // elements per write

    /** Writes t's elements (row-major) as {@code type} (already resolved, not NATIVE). */
    static void write(Tensor t, StorageType type, OutputStream out) throws IOException {
        int n = t.numel();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        // bit-exact sources: float32 storage as float[], float64 as double[] (no widening round trip through double
        // for NaN payloads)
        float[] f = t.dtype() == DType.FLOAT32 ? t.toFloatArray() : null;
        double[] d = f == null ? t.toDoubleArray() : null;
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            buf.clear();
            for (int i = start; i < end; i++) {
                switch (type) {
                    case F32: buf.putFloat(f != null ? f[i] : (float) d[i]); break;
                    case F64: buf.putDouble(d != null ? d[i] : f[i]); break;
                    case BF16: buf.putShort((short) HalfFloats.toBf16(d != null ? d[i] : f[i])); break;
                    case F16: buf.putShort((short) HalfFloats.toF16(d != null ? d[i] : f[i])); break;
                    default: throw new IllegalStateException("unresolved storage type " + type);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Reads {@code numel} elements of {@code type} at absolute byte {@code pos} into a new tensor of {@code shape}. */
    static Tensor read(ByteBuffer buf, int pos, StorageType type, int[] shape, int numel) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(pos);
        switch (type) {
            case F64: {
                double[] d = new double[numel];
                b.asDoubleBuffer().get(d);
                return Tensor.of(d, shape);
            }
            case F32: {
                float[] f = new float[numel];
                b.asFloatBuffer().get(f);
                return Tensor.of(f, shape);
            }
            case BF16: {
                float[] f = new float[numel];
                for (int i = 0; i < numel; i++) f[i] = HalfFloats.bf16ToFloat(b.getShort(pos + 2 * i));
                return Tensor.of(f, shape);
            }
            case F16: {
                float[] f = new float[numel];
                for (int i = 0; i < numel; i++) f[i] = HalfFloats.f16ToFloat(b.getShort(pos + 2 * i));
                return Tensor.of(f, shape);
            }
            default: throw new IllegalStateException("unresolved storage type " + type);
        }
    }
}

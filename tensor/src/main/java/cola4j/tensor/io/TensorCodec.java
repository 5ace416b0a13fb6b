package cola4j.tensor.io;

import cola4j.tensor.DType;
import cola4j.tensor.StorageViews;
import cola4j.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Little-endian element encoding of one tensor's data range, for each {@link StorageType}, straight between the
 * tensor's storage and the message bytes: encoding reads the storage through a read-only view
 * ({@link StorageViews}) and writes each element once into the destination buffer (a bulk copy when the stored type
 * is the tensor's own dtype); decoding writes each element once into the new tensor's array, in the dtype asked for.
 * Values: float32 storage of float64 rounds to nearest even (Java's cast), float32 → float64 is exact, BF16 and F16
 * round to nearest even from the tensor's own value ({@link HalfFloats}); reading BF16/F16 widens exactly.
 */
final class TensorCodec {
    private TensorCodec() {}

    private static final int CHUNK = 1 << 14; // elements per write to a stream

    /** Writes t's elements (row-major) as {@code type} (already resolved, not NATIVE) to a stream, chunk by chunk. */
    static void write(Tensor t, StorageType type, OutputStream out) throws IOException {
        int n = t.numel();
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, CHUNK) * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += CHUNK) {
            buf.clear();
            put(t, type, buf, start, Math.min(n, start + CHUNK));
            out.write(buf.array(), 0, buf.position());
        }
    }

    /**
     * Writes elements [from, to) of t as {@code type} (resolved) at {@code dst}'s position, which advances by
     * (to − from)·bytes. {@code dst} must be little-endian.
     */
    static void put(Tensor t, StorageType type, ByteBuffer dst, int from, int to) {
        if (dst.order() != ByteOrder.LITTLE_ENDIAN) throw new IllegalArgumentException("codec: a big-endian buffer");
        int n = to - from, at = dst.position();
        boolean f32 = t.dtype() == DType.FLOAT32;
        FloatBuffer fs = f32 ? StorageViews.floats(t) : null;
        DoubleBuffer ds = f32 ? null : StorageViews.doubles(t);
        switch (type) {
            case F32: {
                FloatBuffer out = dst.asFloatBuffer();
                if (f32) out.put(fs.position(from).limit(to));
                else for (int i = 0; i < n; i++) out.put(i, (float) ds.get(from + i));
                break;
            }
            case F64: {
                DoubleBuffer out = dst.asDoubleBuffer();
                if (!f32) out.put(ds.position(from).limit(to));
                else for (int i = 0; i < n; i++) out.put(i, fs.get(from + i));
                break;
            }
            case BF16: {
                ShortBuffer out = dst.asShortBuffer();
                if (f32) for (int i = 0; i < n; i++) out.put(i, (short) HalfFloats.floatToBf16(fs.get(from + i)));
                else for (int i = 0; i < n; i++) out.put(i, (short) HalfFloats.toBf16(ds.get(from + i)));
                break;
            }
            case F16: {
                ShortBuffer out = dst.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out.put(i, (short) HalfFloats.toF16(f32 ? fs.get(from + i) : ds.get(from + i)));
                }
                break;
            }
            default: throw new IllegalStateException("unresolved storage type " + type);
        }
        dst.position(at + n * type.bytes);
    }

    /**
     * Reads {@code numel} elements of {@code type} at absolute byte {@code pos} of {@code buf} into a new tensor of
     * {@code shape} and dtype {@code target} (null: float64 for F64, float32 for the others).
     */
    static Tensor read(ByteBuffer buf, int pos, StorageType type, int[] shape, int numel, DType target) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(pos);
        DType dtype = target != null ? target : type == StorageType.F64 ? DType.FLOAT64 : DType.FLOAT32;
        if (dtype == DType.FLOAT64) {
            double[] d = new double[numel];
            switch (type) {
                case F64: b.asDoubleBuffer().get(d); break;
                case F32: for (int i = 0; i < numel; i++) d[i] = b.getFloat(pos + 4 * i); break;
                case BF16: for (int i = 0; i < numel; i++) d[i] = bf16(b, pos, i); break;
                case F16: for (int i = 0; i < numel; i++) d[i] = f16(b, pos, i); break;
                default: throw new IllegalStateException("unresolved storage type " + type);
            }
            return Tensor.of(d, shape);
        }
        float[] f = new float[numel];
        switch (type) {
            case F32: b.asFloatBuffer().get(f); break;
            case F64: for (int i = 0; i < numel; i++) f[i] = (float) b.getDouble(pos + 8 * i); break;
            case BF16: for (int i = 0; i < numel; i++) f[i] = bf16(b, pos, i); break;
            case F16: for (int i = 0; i < numel; i++) f[i] = f16(b, pos, i); break;
            default: throw new IllegalStateException("unresolved storage type " + type);
        }
        return Tensor.of(f, shape);
    }

    private static float bf16(ByteBuffer b, int pos, int i) {
        return HalfFloats.bf16ToFloat(b.getShort(pos + 2 * i));
    }

    private static float f16(ByteBuffer b, int pos, int i) {
        return HalfFloats.f16ToFloat(b.getShort(pos + 2 * i));
    }
}

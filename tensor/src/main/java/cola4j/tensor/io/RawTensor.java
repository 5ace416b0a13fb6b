package cola4j.tensor.io;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A safetensors entry of a non-floating-point dtype, kept as its stored bytes: Hugging Face checkpoints hold integer
 * and boolean buffers next to the weights (I64 {@code embeddings.position_ids}, {@code token_type_ids}; BOOL or U8
 * causal masks {@code attn.bias}). The reader validates its header entry like any other (size = numel × dtype size)
 * and never interprets the values (a BOOL byte other than 0/1 is kept as stored, as the reference reader does).
 *
 * @param dtype the header's dtype tag, one of {@link #SIZES}
 * @param shape dimensions
 * @param data  numel × {@code SIZES.get(dtype)} little-endian bytes, row-major (a defensive copy)
 */
public record RawTensor(String dtype, int[] shape, byte[] data) {
    /** Bytes per element of every non-float dtype of the safetensors spec this reader accepts. */
    public static final Map<String, Integer> SIZES = Map.of("BOOL", 1, "U8", 1, "I8", 1, "I16", 2, "U16", 2,
            "I32", 4, "U32", 4, "I64", 8, "U64", 8);

    /** The tags of {@link #SIZES} in size order (for messages). */
    public static final List<String> TAGS = List.of("BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64");

    public RawTensor {
        Integer size = dtype == null ? null : SIZES.get(dtype);
        if (size == null) throw new IllegalArgumentException("RawTensor: dtype " + dtype + " is not one of " + TAGS);
        shape = shape.clone();
        long numel = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("RawTensor: negative dimension in " + Arrays.toString(shape));
            numel *= d;
        }
        if (data.length != numel * size) {
            throw new IllegalArgumentException("RawTensor: " + data.length + " bytes, shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + numel * size);
        }
        data = data.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * The elements as longs (row-major): signed tags sign-extended, U8/U16/U32 and BOOL (the stored byte)
     * zero-extended; a U64 element above {@link Long#MAX_VALUE} is an {@link ArithmeticException}.
     */
    public long[] toLongArray() {
        int size = SIZES.get(dtype), n = data.length / size;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "I8" -> b.get(i);
                case "BOOL", "U8" -> b.get(i) & 0xFFL;
                case "I16" -> b.getShort(2 * i);
                case "U16" -> b.getShort(2 * i) & 0xFFFFL;
                case "I32" -> b.getInt(4 * i);
                case "U32" -> b.getInt(4 * i) & 0xFFFFFFFFL;
                case "I64" -> b.getLong(8 * i);
                default -> { // U64
                    long v = b.getLong(8 * i);
                    if (v < 0) throw new ArithmeticException("U64 element " + Long.toUnsignedString(v) + " > 2^63-1");
                    yield v;
                }
            };
        }
        return out;
    }

    /** Equal dtype, shape and bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawTensor r && dtype.equals(r.dtype) && Arrays.equals(shape, r.shape)
                && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RawTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}

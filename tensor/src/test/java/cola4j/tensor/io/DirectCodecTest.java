package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder that writes straight from tensor storage into one array ({@link Safetensors#encode},
 * {@link TensorCodec#put}) produces the same bytes as the former definition, kept here as {@link #oldEncode}: copy
 * the storage ({@code toFloatArray} / {@code toDoubleArray}), put each element into a chunk buffer, stream the chunks
 * into a growing byte stream. And decoding into a dtype ({@link Safetensors#decode(ByteBuffer, DType)}, also from a
 * read-only view) gives the bits of decoding and then converting with {@link Tensor#to}.
 */
class DirectCodecTest {
    /** The former encode (commit c75b4f2), element by element through two intermediate copies. */
    static byte[] oldEncode(byte[] header, List<Tensor> tensors, List<StorageType> types) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        int chunk = 1 << 14;
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            StorageType type = types.get(k);
            ByteBuffer buf = ByteBuffer.allocate(chunk * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = t.dtype() == DType.FLOAT32 ? t.toFloatArray() : null;
            double[] d = f == null ? t.toDoubleArray() : null;
            for (int start = 0; start < t.numel(); start += chunk) {
                buf.clear();
                for (int i = start; i < Math.min(t.numel(), start + chunk); i++) {
                    switch (type) {
                        case F32: buf.putFloat(f != null ? f[i] : (float) d[i]); break;
                        case F64: buf.putDouble(d != null ? d[i] : f[i]); break;
                        case BF16: buf.putShort((short) HalfFloats.toBf16(d != null ? d[i] : f[i])); break;
                        case F16: buf.putShort((short) HalfFloats.toF16(d != null ? d[i] : f[i])); break;
                        default: throw new IllegalStateException(type.toString());
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
        }
        return out.toByteArray();
    }

    /** Random values and every special one: ±0, ±inf, NaNs with payloads, subnormals, the extremes, ties. */
    static Tensor values(DType dtype, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 65504.0, 65520.0, 1e-8, 1 + 0x1p-8,
            1 + 3 * 0x1p-8, 1 + 0x1p-8 + 0x1p-30, Double.MAX_VALUE};
        if (dtype == DType.FLOAT32) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = i < special.length ? (float) special[i] : i % 97 == 0
                        ? Float.intBitsToFloat(0x7F800001 + r.nextInt(0x7FFFFF) | (r.nextBoolean() ? 1 << 31 : 0))
                        : Float.intBitsToFloat(r.nextInt());
                if (i % 5 == 0 && i >= special.length) f[i] = (float) r.nextGaussian();
            }
            return Tensor.of(f, n);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i < special.length ? special[i] : i % 97 == 0
                    ? Double.longBitsToDouble(0x7FF0000000000001L + r.nextLong(0xFFFFFFFFFFFFEL))
                    : i % 3 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian() * 1e3;
        }
        return Tensor.of(d, n);
    }

    @Test
    void directEncodeWritesTheBytesOfTheFormerDefinition() throws Exception {
        for (StorageType storage : StorageType.values()) {
            LinkedHashMap<String, Tensor> msg = new LinkedHashMap<>();
            msg.put("0/a/x", values(DType.FLOAT32, 3 * (1 << 14) + 5, 1));    // crosses the chunk boundary
            msg.put("0/a/grad_h", values(DType.FLOAT64, 1000, 2));
            msg.put("empty", Tensor.zeros(DType.FLOAT32, 0, 4));
            msg.put("1/b/x", values(DType.FLOAT64, 17, 3).reshape(1, 17));
            byte[] now = Safetensors.encode(msg, Map.of("kind", "adaptation_data", "user", "3"), storage);
            int n = (int) ByteBuffer.wrap(now, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            List<StorageType> types = msg.values().stream().map(t -> storage.resolve(t.dtype())).toList();
            byte[] header = java.util.Arrays.copyOfRange(now, 8, 8 + n);
            assertThat(now).as(storage.toString())
                    .isEqualTo(oldEncode(header, List.copyOf(msg.values()), types));
            // the file writer streams the same bytes through its chunk buffer
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("codec");
            java.nio.file.Path file = dir.resolve("m.safetensors");
            Safetensors.write(file, msg, Map.of("kind", "adaptation_data", "user", "3"), storage);
            assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(now);
            java.nio.file.Files.delete(file);
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void decodeIntoADtypeEqualsDecodeThenConvert() throws Exception {
        for (StorageType storage : StorageType.values()) {
            LinkedHashMap<String, Tensor> msg = new LinkedHashMap<>();
            msg.put("f", values(DType.FLOAT32, 4099, 4).reshape(1, 4099));
            msg.put("d", values(DType.FLOAT64, 515, 5));
            byte[] bytes = Safetensors.encode(msg, Map.of("kind", "k"), storage);
            SafetensorsFile plain = Safetensors.decode(bytes);
            for (DType target : DType.values()) {
                ByteBuffer view = ByteBuffer.allocate(bytes.length + 3).position(3).put(bytes).position(3)
                        .asReadOnlyBuffer();     // a read-only view at an offset, as a received ByteString gives
                SafetensorsFile direct = Safetensors.decode(view, target);
                assertThat(direct.metadata()).isEqualTo(plain.metadata());
                for (String name : msg.keySet()) {
                    Tensor want = plain.tensors().get(name).to(target), got = direct.tensors().get(name);
                    assertThat(got.dtype()).isEqualTo(target);
                    assertThat(got.shape()).isEqualTo(want.shape());
                    assertThat(bits(got)).as(storage + " → " + target + " " + name).isEqualTo(bits(want));
                }
            }
            assertThat(bits(Safetensors.decode(ByteBuffer.wrap(bytes), null).tensors().get("d")))
                    .isEqualTo(bits(plain.tensors().get("d")));
        }
    }

    static long[] bits(Tensor t) {
        long[] b = new long[t.numel()];
        if (t.dtype() == DType.FLOAT64) {
            double[] d = t.toDoubleArray();
            for (int i = 0; i < b.length; i++) b[i] = Double.doubleToRawLongBits(d[i]);
        } else {
            float[] f = t.toFloatArray();
            for (int i = 0; i < b.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }
}

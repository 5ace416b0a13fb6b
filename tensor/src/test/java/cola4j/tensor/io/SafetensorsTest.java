package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips, the on-disk layout, files built by hand as another tool would, and atomic writes. */
class SafetensorsTest {
    /**
     * Special float32 values: quiet NaNs with payloads (both signs), a signaling NaN, ±0, subnormals, ±inf, extremes.
     */
    static final int[] F32_BITS = {0x7FC00001, 0xFFC12345, 0x7F800001, 0x80000000, 0x00000000, 0x00000001, 0x807FFFFF,
        0x7F800000, 0xFF800000, 0x7F7FFFFF, 0x00800000, 0x3DCCCCCD};
    static final long[] F64_BITS = {0x7FF8000000000001L, 0xFFF80000DEADBEEFL, 0x7FF0000000000001L, 0x8000000000000000L,
            0L, 1L,
        0x800FFFFFFFFFFFFFL, 0x7FF0000000000000L, 0xFFF0000000000000L, 0x7FEFFFFFFFFFFFFFL, 0x3FB999999999999AL};

    static Map<String, Tensor> sample() {
        float[] f = new float[F32_BITS.length];
        for (int i = 0; i < f.length; i++) f[i] = Float.intBitsToFloat(F32_BITS[i]);
        double[] d = new double[F64_BITS.length];
        for (int i = 0; i < d.length; i++) d[i] = Double.longBitsToDouble(F64_BITS[i]);
        Map<String, Tensor> m = new LinkedHashMap<>();
        // insertion order deliberately not sorted; names include non-ASCII, JSON-special and empty strings
        m.put("zeta.weight", new Rng(1).normal(DType.FLOAT32, 0, 1, 3, 4));
        m.put("special32", Tensor.of(f, 3, 4));
        m.put("special64", Tensor.of(d, 11));
        m.put("ünïcødé/名前/😀", new Rng(2).normal(DType.FLOAT64, 0, 1, 2, 3, 2));
        m.put("quote\"back\\slash\ttab\u0001", Tensor.scalar(DType.FLOAT32, -1.5));
        m.put("scalar64", Tensor.scalar(3.25));
        m.put("empty", Tensor.zeros(DType.FLOAT32, 0, 3));
        m.put("", Tensor.zeros(DType.FLOAT64, 2, 0, 5));
        m.put("alpha", new Rng(3).uniform(DType.FLOAT64, -1, 1, 7));
        return m;
    }

    static Map<String, String> meta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("note", "ColA – Δ \"quoted\"");
        return m;
    }

    /** Raw bit patterns must match exactly (Arrays.equals on float[] would treat all NaNs as equal). */
    static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertThat(new ArrayList<>(actual.keySet())).containsExactlyElementsOf(expected.keySet());
        for (String k : expected.keySet()) {
            Tensor e = expected.get(k), a = actual.get(k);
            assertThat(a.dtype()).as(k).isEqualTo(e.dtype());
            assertThat(a.shape()).as(k).containsExactly(e.shape());
            if (e.dtype() == DType.FLOAT32) {
                float[] x = e.toFloatArray(), y = a.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertThat(Float.floatToRawIntBits(y[i])).as(k + "[" + i + "]")
                            .isEqualTo(Float.floatToRawIntBits(x[i]));
                }
            } else {
                double[] x = e.toDoubleArray(), y = a.toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    assertThat(Double.doubleToRawLongBits(y[i])).as(k + "[" + i + "]")
                            .isEqualTo(Double.doubleToRawLongBits(x[i]));
                }
            }
        }
    }

    @Test
    void roundTripInMemoryIsBitExact() throws Exception {
        Map<String, Tensor> t = sample();
        SafetensorsFile f = Safetensors.decode(Safetensors.encode(t, meta(), StorageType.NATIVE));
        assertBitIdentical(t, f.tensors());
        assertThat(f.metadata()).containsExactlyEntriesOf(meta());
    }

    @Test
    void roundTripThroughFileIsBitExact(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("model.safetensors");
        Map<String, Tensor> t = sample();
        Safetensors.write(p, t, meta());
        SafetensorsFile f = Safetensors.read(p);
        assertBitIdentical(t, f.tensors());
        assertThat(f.metadata()).containsExactlyEntriesOf(meta());
        assertThat(Files.readAllBytes(p)).isEqualTo(Safetensors.encode(t, meta(), StorageType.NATIVE));
    }

    @Test
    void layoutIsPaddedContiguousAndInMapOrder() throws Exception {
        Map<String, Tensor> t = sample();
        byte[] b = Safetensors.encode(t, meta(), StorageType.NATIVE);
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat((8 + n) % 8).isZero();
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{").matches("(?s).*\\} *");
        JsonNode root = new ObjectMapper().readTree(header);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        List<String> expectedKeys = new ArrayList<>(List.of("__metadata__"));
        expectedKeys.addAll(t.keySet());
        assertThat(keys).containsExactlyElementsOf(expectedKeys);
        long at = 0;
        for (Map.Entry<String, Tensor> e : t.entrySet()) {
            JsonNode info = root.get(e.getKey());
            assertThat(info.get("dtype").asText()).isEqualTo(e.getValue().dtype() == DType.FLOAT32 ? "F32" : "F64");
            assertThat(info.get("data_offsets").get(0).asLong()).isEqualTo(at);
            at += e.getValue().bytes();
            assertThat(info.get("data_offsets").get(1).asLong()).isEqualTo(at);
        }
        assertThat(b.length).isEqualTo(8 + n + at);
        // name bytes in the header are the UTF-8 of the Java string
        assertThat(header.getBytes(StandardCharsets.UTF_8))
                .containsSequence("ünïcødé/名前/😀".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyMetadataIsOmittedAndReadsBackEmpty() throws Exception {
        Map<String, Tensor> t = Map.of("x", Tensor.ones(DType.FLOAT32, 2));
        byte[] b = Safetensors.encode(t, Map.of(), StorageType.NATIVE);
        assertThat(new String(b, StandardCharsets.UTF_8)).doesNotContain("__metadata__");
        assertThat(Safetensors.decode(b).metadata()).isEmpty();
        assertThat(Safetensors.decode(Safetensors.encode(t, null, StorageType.NATIVE)).metadata()).isEmpty();
    }

    @Test
    void handBuiltFileFromAnotherToolLoads() throws Exception {
        // keys not in offset order, metadata last, header padded to 8 bytes;
        // data: c (F16), a (F64), b (BF16), e (F32 scalar)
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[26,30]},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[6,22]},"
                + "\"c\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[22,26]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[30,30]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] data = Bytes.concat(Bytes.u16(0x3C00, 0xC000, 0x3555), Bytes.f64(0.1, -2e300), Bytes.f32(7.5f),
                Bytes.u16(0x3F80, 0xC0A0));
        byte[] file = Bytes.file(header, true, data);
        int headerLen = file.length - data.length - 8;
        assertThat(headerLen % 8).isZero();
        assertThat(headerLen).isGreaterThan(header.length()); // really padded: the spaces are part of the header
        SafetensorsFile f = Safetensors.decode(file);
        assertThat(new ArrayList<>(f.tensors().keySet())).containsExactly("b", "a", "c", "e", "z");
        assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
        Tensor a = f.tensors().get("a"), b = f.tensors().get("b"), c = f.tensors().get("c"), e = f.tensors().get("e"),
                z = f.tensors().get("z");
        assertThat(a.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(a.shape()).containsExactly(1, 2);
        assertThat(a.toDoubleArray()).containsExactly(0.1, -2e300);
        assertThat(b.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(b.toFloatArray()).containsExactly(1.0f, -5.0f);
        assertThat(c.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(c.toFloatArray()).containsExactly(1.0f, -2.0f, 0.333251953125f);
        assertThat(e.shape()).isEmpty();
        assertThat(e.item()).isEqualTo(7.5);
        assertThat(z.shape()).containsExactly(0, 4);
    }

    @Test
    void storageConversions() throws Exception {
        Tensor d = new Rng(9).normal(DType.FLOAT64, 0, 100, 4, 5);
        Tensor f = new Rng(10).normal(DType.FLOAT32, 0, 100, 6);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("d", d);
        t.put("f", f);
        SafetensorsFile as32 = Safetensors.decode(Safetensors.encode(t, Map.of(), StorageType.F32));
        assertThat(as32.tensors().get("d").bitEquals(d.to(DType.FLOAT32))).isTrue();
        assertThat(as32.tensors().get("f").bitEquals(f)).isTrue();
        SafetensorsFile as64 = Safetensors.decode(Safetensors.encode(t, Map.of(), StorageType.F64));
        assertThat(as64.tensors().get("d").bitEquals(d)).isTrue();
        assertThat(as64.tensors().get("f").bitEquals(f.to(DType.FLOAT64))).isTrue();
        for (StorageType half : new StorageType[] {StorageType.BF16, StorageType.F16}) {
            byte[] b = Safetensors.encode(t, Map.of(), half);
            assertThat(b.length).isEqualTo(8 + ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0) + 2 * 26);
            SafetensorsFile h = Safetensors.decode(b);
            for (String k : t.keySet()) {
                Tensor src = t.get(k), got = h.tensors().get(k);
                assertThat(got.dtype()).isEqualTo(DType.FLOAT32);
                assertThat(got.shape()).containsExactly(src.shape());
                for (int i = 0; i < src.numel(); i++) {
                    double x = src.getFlat(i);
                    float want = half == StorageType.BF16 ? HalfFloats.bf16ToFloat(HalfFloats.toBf16(x))
                            : HalfFloats.f16ToFloat(HalfFloats.toF16(x));
                    assertThat(got.getFlat(i)).isEqualTo((double) want);
                    // relative rounding error at most half an ulp:
                    // 2^-8 (bf16, 8 significand bits) or 2^-11 (f16, 11 bits) for normal values
                    assertThat(Math.abs(got.getFlat(i) - x))
                            .isLessThanOrEqualTo(Math.abs(x) * (half == StorageType.BF16 ? 0x1p-8 : 0x1p-11));
                }
            }
        }
    }

    @Test
    void invalidNamesAreRejectedBeforeWriting() {
        Tensor x = Tensor.ones(DType.FLOAT32, 1);
        assertThatThrownBy(() -> Safetensors.encode(Map.of("__metadata__", x), Map.of(), StorageType.NATIVE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Safetensors.encode(Map.of("bad\uD800name", x), Map.of(), StorageType.NATIVE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("n", null);
        assertThatThrownBy(() -> Safetensors.encode(withNull, Map.of(), StorageType.NATIVE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'n' is null");
    }

    static List<Path> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void atomicWriteReplacesOnSuccessOnly(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("ckpt.safetensors");
        Map<String, Tensor> v1 = Map.of("w", Tensor.full(DType.FLOAT32, 1, 3));
        Map<String, Tensor> v2 = Map.of("w", Tensor.full(DType.FLOAT64, 2, 5), "b", Tensor.ones(DType.FLOAT32, 1));
        Safetensors.write(p, v1, Map.of());
        byte[] first = Files.readAllBytes(p);
        assertThat(listing(dir)).containsExactly(p);
        // a failing write (invalid name) leaves the existing file byte-identical and no temporary file behind
        assertThatThrownBy(() -> Safetensors.write(p, Map.of("__metadata__", Tensor.ones(DType.FLOAT32, 1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(p)).isEqualTo(first);
        assertThat(listing(dir)).containsExactly(p);
        // a successful write replaces it completely
        Safetensors.write(p, v2, Map.of("step", "2"));
        assertThat(listing(dir)).containsExactly(p);
        SafetensorsFile f = Safetensors.read(p);
        assertThat(f.tensors().keySet()).containsExactlyInAnyOrder("w", "b");
        assertThat(f.tensors().get("w").bitEquals(Tensor.full(DType.FLOAT64, 2, 5))).isTrue();
        assertThat(f.metadata()).containsExactly(Map.entry("step", "2"));
    }

    @Test
    void failedRenameCleansUpTheTemporaryFile(@TempDir Path dir) throws Exception {
        // the target is a non-empty directory: the temp file is fully written, then the rename fails
        Path target = dir.resolve("taken");
        Files.createDirectory(target);
        Path inside = Files.writeString(target.resolve("keep.txt"), "keep");
        assertThatThrownBy(() -> Safetensors.write(target, Map.of("w", Tensor.ones(DType.FLOAT32, 2)), Map.of()))
                .isInstanceOf(java.io.IOException.class);
        assertThat(listing(dir)).containsExactly(target);
        assertThat(Files.readString(inside)).isEqualTo("keep");
    }

    @Test
    void iterationOrderOfTheCallersMapIsKept() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String k : new String[] {"layer.10", "layer.2", "Layer.1", "a", "ä", "A"}) {
            t.put(k, Tensor.scalar(k.length()));
        }
        SafetensorsFile f = Safetensors.decode(Safetensors.encode(t, Map.of(), StorageType.NATIVE));
        Iterator<String> it = f.tensors().keySet().iterator();
        for (String k : t.keySet()) assertThat(it.next()).isEqualTo(k);
    }
}

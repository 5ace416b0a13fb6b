package cola4j.tensor.io;

import static cola4j.tensor.io.SafetensorsValidationTest.one;
import static cola4j.tensor.io.SafetensorsValidationTest.rejects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Tensor;
import cola4j.tensor.io.SafetensorsException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integer and boolean entries (Hugging Face buffers): each spec dtype is validated with its own size (BOOL, U8, I8 1
 * byte; I16, U16 2; I32, U32 4; I64, U64 8), loads as a {@link RawTensor} holding exactly the stored bytes, and
 * writes back to the same bytes; the float tensors of the same file load as before.
 */
class SafetensorsRawTest {
    @TempDir
    Path tmp;

    static final Map<String, Integer> SPEC_SIZES = Map.of("BOOL", 1, "U8", 1, "I8", 1, "I16", 2, "U16", 2, "I32", 4,
            "U32", 4, "I64", 8, "U64", 8);

    @Test
    void everyIntegerDtypeHasTheSpecSize() throws Exception {
        assertThat(RawTensor.SIZES).isEqualTo(SPEC_SIZES);
        assertThat(RawTensor.TAGS).containsExactlyInAnyOrderElementsOf(SPEC_SIZES.keySet());
        for (Map.Entry<String, Integer> e : SPEC_SIZES.entrySet()) {
            int size = e.getValue();
            byte[] data = new byte[3 * size];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (7 * i + 1);
            String entry = "{\"dtype\":\"" + e.getKey() + "\",\"shape\":[3],\"data_offsets\":[0," + 3 * size + "]}";
            SafetensorsFile f = Safetensors.decode(one(entry, data));
            assertThat(f.tensors()).isEmpty();
            assertThat(f.raw().get("t")).isEqualTo(new RawTensor(e.getKey(), new int[] {3}, data));
            // one byte too few or too many for the shape: the size rule with this dtype's element size
            String shortEntry = "{\"dtype\":\"" + e.getKey() + "\",\"shape\":[3],\"data_offsets\":[0,"
                    + (3 * size - 1) + "]}";
            rejects(one(shortEntry, new byte[3 * size - 1]), Kind.SIZE_MISMATCH, "'t'", e.getKey(),
                    "3 x " + size + " = " + 3 * size);
            String longEntry = "{\"dtype\":\"" + e.getKey() + "\",\"shape\":[3],\"data_offsets\":[0,"
                    + (3 * size + 1) + "]}";
            rejects(one(longEntry, new byte[3 * size + 1]), Kind.SIZE_MISMATCH, "'t'", e.getKey());
        }
    }

    @Test
    void aHuggingFaceStyleFileLoadsFloatsAndBuffers() throws Exception {
        // a GPT-2/BERT-like mix: a float weight, I64 position_ids [1, 4] = 0..3, a BOOL causal mask [1, 1, 2, 2]
        byte[] ids = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(1).putLong(2)
                .putLong(3).array();
        byte[] mask = {1, 0, 1, 1};
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"embeddings.position_ids\":{\"dtype\":\"I64\",\"shape\":[1,4],\"data_offsets\":[8,40]},"
                + "\"h.0.attn.bias\":{\"dtype\":\"BOOL\",\"shape\":[1,1,2,2],\"data_offsets\":[40,44]}}";
        byte[] bytes = Bytes.file(header, true, Bytes.concat(Bytes.f32(1.5f, -2f), ids, mask));
        SafetensorsFile f = Safetensors.decode(bytes);
        assertThat(f.tensors().keySet()).containsExactly("w");
        assertThat(f.tensors().get("w").toFloatArray()).containsExactly(1.5f, -2f);
        assertThat(f.raw().keySet()).containsExactly("embeddings.position_ids", "h.0.attn.bias");
        RawTensor p = f.raw().get("embeddings.position_ids");
        assertThat(p.dtype()).isEqualTo("I64");
        assertThat(p.shape()).containsExactly(1, 4);
        ByteBuffer lb = ByteBuffer.wrap(p.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new long[] {lb.getLong(), lb.getLong(), lb.getLong(), lb.getLong()}).containsExactly(0, 1, 2, 3);
        assertThat(f.raw().get("h.0.attn.bias").data()).containsExactly(mask);

        // the layout shows the stored tags; written back (floats first, then raw entries), the file reads equal
        Path file = tmp.resolve("m.safetensors");
        Safetensors.write(file, f, StorageType.NATIVE);
        SafetensorsFile again = Safetensors.read(file);
        assertThat(again.raw()).isEqualTo(f.raw());
        assertThat(again.tensors().get("w").toFloatArray()).containsExactly(1.5f, -2f);
        List<String> tags = SafetensorsLayout.read(file).tensors().stream()
                .map(SafetensorsLayout.TensorInfo::dtype).toList();
        assertThat(tags).containsExactly("F32", "I64", "BOOL");
        assertThat(Safetensors.encode(again, StorageType.NATIVE)).isEqualTo(java.nio.file.Files.readAllBytes(file));
    }

    @Test
    void rawTensorsAreChecked() {
        assertThatThrownBy(() -> new RawTensor("F32", new int[] {1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32");
        assertThatThrownBy(() -> new RawTensor("I32", new int[] {2}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8");
        LinkedHashMap<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("a", Tensor.of(new float[] {1}, 1));
        LinkedHashMap<String, RawTensor> rs = new LinkedHashMap<>();
        rs.put("a", new RawTensor("U8", new int[] {1}, new byte[1]));
        assertThatThrownBy(() -> new SafetensorsFile(ts, Map.of(), rs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        // the stored bytes cannot be changed through the record
        RawTensor r = new RawTensor("U8", new int[] {1}, new byte[] {5});
        r.data()[0] = 9;
        assertThat(r.data()).containsExactly(5);
    }

    @Test
    void valuesAsLongsAndFloatOnlyReaders() throws Exception {
        byte[] b = {(byte) 0xFF, (byte) 0xFF, 1, 0};
        assertThat(new RawTensor("I16", new int[] {2}, b).toLongArray()).containsExactly(-1, 1);
        assertThat(new RawTensor("U16", new int[] {2}, b).toLongArray()).containsExactly(65535, 1);
        assertThat(new RawTensor("I8", new int[] {4}, b).toLongArray()).containsExactly(-1, -1, 1, 0);
        assertThat(new RawTensor("BOOL", new int[] {4}, b).toLongArray()).containsExactly(255, 255, 1, 0);
        assertThat(new RawTensor("U32", new int[] {1}, b).toLongArray()).containsExactly(0x0001FFFFL);
        byte[] big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array();
        assertThat(new RawTensor("I64", new int[] {1}, big).toLongArray()).containsExactly(-5);
        assertThatThrownBy(() -> new RawTensor("U64", new int[] {1}, big).toLongArray())
                .isInstanceOf(ArithmeticException.class);

        LinkedHashMap<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("w", Tensor.of(new float[] {1}, 1));
        assertThat(new SafetensorsFile(ts, Map.of()).floatTensors("f")).isSameAs(ts);
        LinkedHashMap<String, RawTensor> rs = new LinkedHashMap<>();
        rs.put("ids", new RawTensor("I64", new int[] {1}, big));
        assertThatThrownBy(() -> new SafetensorsFile(ts, Map.of(), rs).floatTensors("x.safetensors"))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("x.safetensors: tensor 'ids' has dtype I64; only F32, F64, F16 and BF16 tensors are read"
                        + " here");
    }
}

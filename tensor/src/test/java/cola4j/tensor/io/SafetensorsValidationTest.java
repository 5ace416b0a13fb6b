package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.io.SafetensorsException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format violation is rejected with its own {@link Kind} and a message naming what is wrong. */
class SafetensorsValidationTest {
    static final byte[] EIGHT = new byte[8];

    static void rejects(byte[] bytes, Kind kind, String... fragments) {
        assertThatThrownBy(() -> Safetensors.decode(bytes)).isInstanceOfSatisfying(SafetensorsException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            assertThat(e.getMessage()).startsWith("safetensors " + kind + ": ");
            for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
    }

    static byte[] one(String entry, byte[] data) {
        return Bytes.file("{\"t\":" + entry + "}", true, data);
    }

    @Test
    void truncatedInputs() {
        rejects(new byte[0], Kind.TRUNCATED, "0 bytes");
        rejects(new byte[7], Kind.TRUNCATED, "7 bytes");
        rejects(Bytes.concat(Bytes.le64(100), "{}".getBytes(StandardCharsets.UTF_8)), Kind.TRUNCATED,
                "header length 100", "2 bytes");
        // a valid header whose data section is shorter than its offsets claim
        byte[] full = one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", Bytes.f32(1, 2));
        rejects(java.util.Arrays.copyOf(full, full.length - 1), Kind.OFFSETS_OUT_OF_BOUNDS, "'t'", "7 bytes");
    }

    @Test
    void headerTooLarge() {
        rejects(Bytes.concat(Bytes.le64(100_000_001L), EIGHT), Kind.HEADER_TOO_LARGE, "100000001");
        rejects(Bytes.concat(Bytes.le64(-1L), EIGHT), Kind.HEADER_TOO_LARGE, "18446744073709551615");
    }

    @Test
    void invalidJson() {
        rejects(Bytes.file("{\"t\": ", false, new byte[0]), Kind.INVALID_JSON);
        rejects(Bytes.file("{} trailing", false, new byte[0]), Kind.INVALID_JSON);
        rejects(Bytes.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}",
                false, new byte[0]), Kind.INVALID_JSON, "Duplicate");
        byte[] badUtf8 = Bytes.concat(Bytes.le64(6), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        rejects(badUtf8, Kind.INVALID_JSON);
    }

    @Test
    void invalidHeaderStructure() {
        rejects(Bytes.file("[1, 2]", false, new byte[0]), Kind.INVALID_HEADER, "object");
        rejects(Bytes.file("        ", false, new byte[0]), Kind.INVALID_HEADER);
        rejects(one("{\"dtype\":\"F32\",\"shape\":[1]}", Bytes.f32(1)), Kind.INVALID_HEADER, "'t'", "data_offsets");
        rejects(one("[1]", new byte[0]), Kind.INVALID_HEADER, "'t'");
        rejects(one("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", Bytes.f32(1)), Kind.INVALID_HEADER, "dtype");
        rejects(Bytes.file("{\"__metadata__\":{\"k\":1}}", true, new byte[0]), Kind.INVALID_HEADER, "__metadata__",
                "'k'");
        rejects(Bytes.file("{\"__metadata__\":[]}", true, new byte[0]), Kind.INVALID_HEADER, "__metadata__");
    }

    @Test
    void unknownDtype() {
        rejects(one("{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}", new byte[8]), Kind.UNKNOWN_DTYPE, "'t'",
                "'C64'", "I64", "BOOL");
        rejects(one("{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}", new byte[1]),
                Kind.UNKNOWN_DTYPE, "'F8_E4M3'");
        rejects(one("{\"dtype\":\"i64\",\"shape\":[1],\"data_offsets\":[0,8]}", new byte[8]), Kind.UNKNOWN_DTYPE,
                "'i64'");
        rejects(one("{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}", new byte[4]), Kind.UNKNOWN_DTYPE,
                "'f32'");
    }

    @Test
    void invalidShapes() {
        String[] bad = {"3", "[-1]", "[1.5]", "[\"2\"]", "[2147483648]", "[65536, 65536]", "null"};
        for (String s : bad) {
            rejects(one("{\"dtype\":\"F32\",\"shape\":" + s + ",\"data_offsets\":[0,4]}", new byte[4]),
                    Kind.INVALID_SHAPE, "'t'");
        }
    }

    @Test
    void invalidOffsets() {
        String[] bad = {"[4]", "[0,4,8]", "[8,4]", "[-1,3]", "[0.0,4]", "\"0,4\"", "[0,\"4\"]"};
        for (String o : bad) {
            rejects(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" + o + "}", new byte[8]),
                    Kind.INVALID_OFFSETS, "'t'");
        }
        rejects(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}", new byte[8]),
                Kind.OFFSETS_OUT_OF_BOUNDS, "[4,12]", "8 bytes");
        rejects(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}", new byte[8]),
                Kind.INVALID_OFFSETS);
    }

    @Test
    void sizeMismatch() {
        rejects(one("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}", new byte[8]), Kind.SIZE_MISMATCH, "'t'",
                "8 bytes", "3 x 4 = 12");
        rejects(one("{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,16]}", new byte[16]), Kind.SIZE_MISMATCH,
                "4 x 2 = 8");
        rejects(one("{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,4]}", new byte[4]), Kind.SIZE_MISMATCH,
                "1 x 8 = 8");
    }

    @Test
    void overlappingOffsets() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        rejects(Bytes.file(h, true, new byte[12]), Kind.OVERLAPPING_OFFSETS, "'a'", "'b'");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        rejects(Bytes.file(same, true, new byte[8]), Kind.OVERLAPPING_OFFSETS);
        String emptyInside = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}";
        rejects(Bytes.file(emptyInside, true, new byte[8]), Kind.OVERLAPPING_OFFSETS, "'z'");
    }

    @Test
    void holesAndTrailingBytesAreRejected() {
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        rejects(Bytes.file(hole, true, new byte[20]), Kind.DATA_NOT_COVERED, "[8, 12)");
        rejects(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", new byte[12]), Kind.DATA_NOT_COVERED,
                "[8, 12)");
        rejects(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", new byte[8]), Kind.DATA_NOT_COVERED,
                "[0, 4)");
        rejects(Bytes.file("{}", true, new byte[3]), Kind.DATA_NOT_COVERED, "[0, 3)");
    }

    @Test
    void minimalValidInputs() throws Exception {
        assertThat(Safetensors.decode(Bytes.file("{}", false, new byte[0])).tensors()).isEmpty();
        assertThat(Safetensors.decode(Bytes.file("{}", true, new byte[0])).metadata()).isEmpty();
        // extra fields inside an entry are ignored (forward compatibility)
        var f = Safetensors.decode(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"note\":\"x\"}",
                Bytes.f32(2.5f)));
        assertThat(f.tensors().get("t").item()).isEqualTo(2.5);
    }

    @Test
    void readNamesTheFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, new byte[3]);
        assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOfSatisfying(SafetensorsException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
            assertThat(e.getMessage()).isEqualTo("safetensors TRUNCATED: " + p
                    + ": input has 3 bytes, fewer than the 8-byte header length");
        });
    }
}

package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Tensor;
import cola4j.tensor.io.SafetensorsException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The header is strict UTF-8 and valid Unicode (issue 15: a lenient decoder read {@code C0 AF} as {@code /}, and the
 * writer then refused names the reader had returned); the element count of a shape with a zero dimension is 0.
 */
class SafetensorsUnicodeTest {
    /** A one-tensor file whose tensor name is the given raw UTF-8 bytes (inside the JSON quotes). */
    static byte[] named(byte[] rawName) {
        byte[] pre = "{\"".getBytes(StandardCharsets.UTF_8);
        byte[] post = "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        byte[] h = Bytes.concat(pre, rawName, post);
        return Bytes.concat(Bytes.le64(h.length), h, Bytes.f32(1));
    }

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    @Test
    void malformedUtf8IsRejected() {
        byte[][] bad = {
            b(0xC0, 0xAF),                 // overlong '/'
            b(0xE0, 0x80, 0xAF),           // overlong '/' in 3 bytes
            b(0xED, 0xA0, 0x80),           // U+D800 encoded as UTF-8 (CESU style)
            b(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80), // a surrogate pair encoded as two 3-byte sequences
            b(0xF4, 0x90, 0x80, 0x80),     // U+110000, above the Unicode range
            b(0xF5, 0x80, 0x80, 0x80),     // lead byte never valid
            b(0xFF),
            b(0xE2, 0x82),                 // truncated sequence
            b(0x80),                       // lone continuation byte
        };
        for (byte[] raw : bad) {
            assertThatThrownBy(() -> Safetensors.decode(named(raw)))
                    .as(java.util.HexFormat.of().formatHex(raw))
                    .isInstanceOfSatisfying(SafetensorsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.INVALID_JSON);
                        assertThat(e.getMessage()).contains("not valid UTF-8");
                    });
        }
    }

    @Test
    void escapedUnpairedSurrogatesAreRejectedEverywhere() {
        String[] headers = {
            "{\"a\\uD800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",     // lone high in a name
            "{\"\\uDC00b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",     // lone low in a name
            "{\"\\uDE00\\uD83D\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", // reversed pair
            "{\"__metadata__\":{\"k\\uD800\":\"v\"},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"__metadata__\":{\"k\":\"v\\uDFFF\"},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"note\":[\"\\uD800\"]}}",
        };
        for (String h : headers) {
            assertThatThrownBy(() -> Safetensors.decode(Bytes.file(h, true, Bytes.f32(1))))
                    .as(h).isInstanceOfSatisfying(SafetensorsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.INVALID_JSON);
                        assertThat(e.getMessage()).contains("unpaired surrogate");
                    });
        }
    }

    @Test
    void validNonAsciiNamesRoundTripThroughTheWriter() throws Exception {
        // escaped pair, raw 4-byte UTF-8, 2- and 3-byte forms, U+10FFFF (the largest code point), U+FFFF
        String[] headers = {
            "{\"\\uD83D\\uDE00\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"\uD83D\uDE00 é € \uDBFF\uDFFF \uFFFF\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        };
        for (String h : headers) {
            SafetensorsFile f = Safetensors.decode(Bytes.file(h, true, Bytes.f32(1.5f)));
            String name = f.tensors().keySet().iterator().next();
            assertThat(SafetensorsHeader.unpairedSurrogate(name)).isEqualTo(-1);
            byte[] again = Safetensors.encode(f.tensors(), Map.of("k\uD83D\uDE00", name), StorageType.NATIVE);
            SafetensorsFile back = Safetensors.decode(again);
            assertThat(back.tensors().keySet()).containsExactly(name);
            assertThat(back.metadata()).containsEntry("k\uD83D\uDE00", name);
            assertThat(back.tensors().get(name).item()).isEqualTo(1.5);
        }
    }

    @Test
    void zeroElementShapeWithLargeDimensionsIsAccepted() throws Exception {
        // the product of the leading dimensions (2^32) exceeds int, but the tensor is empty
        String h = "{\"e\":{\"dtype\":\"F32\",\"shape\":[65536,65536,0],\"data_offsets\":[0,0]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        SafetensorsFile f = Safetensors.decode(Bytes.file(h, true, Bytes.f32(2)));
        Tensor e = f.tensors().get("e");
        assertThat(e.shape()).containsExactly(65536, 65536, 0);
        assertThat(e.numel()).isZero();
        Map<String, Tensor> m = new LinkedHashMap<>(f.tensors());
        SafetensorsFile back = Safetensors.decode(Safetensors.encode(m, Map.of(), StorageType.NATIVE));
        assertThat(back.tensors().get("e").shape()).containsExactly(65536, 65536, 0);
        assertThat(back.tensors().get("t").item()).isEqualTo(2.0);
        // without the zero the same product is still refused
        SafetensorsValidationTest.rejects(SafetensorsValidationTest.one(
                "{\"dtype\":\"F32\",\"shape\":[65536,65536,1],\"data_offsets\":[0,4]}", new byte[4]),
                Kind.INVALID_SHAPE, "2^31-1");
    }
}

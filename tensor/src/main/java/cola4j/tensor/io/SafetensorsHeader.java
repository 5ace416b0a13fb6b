package cola4j.tensor.io;

import cola4j.tensor.io.SafetensorsException.Kind;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors JSON header against the length of the data section.
 *
 * <p>Header: {@code {"__metadata__": {str: str}, name: {"dtype": tag, "shape": [d0, ...], "data_offsets": [begin,
 * end]}, ...}}, offsets in bytes relative to the data section. Rules enforced (each a {@link Kind}): strict UTF-8
 * (no overlong forms, encoded surrogates or code points above U+10FFFF), no unpaired surrogate in any key or string
 * (escaped ones included), a JSON object with no duplicate keys and nothing but whitespace after it; known dtype
 * (F32, F64, F16, BF16, or an integer/BOOL tag of {@link RawTensor#SIZES}); non-negative integer shape; offsets two
 * integers 0 ≤ begin ≤ end ≤ data length; end − begin = product(shape) × dtype size; ranges neither overlap
 * nor leave holes, so the ranges sorted by begin tile the data section exactly (the official spec requires the byte
 * buffer to be entirely indexed, as does the reference Rust reader). Zero-size tensors have begin = end and must sit on
 * a boundary between other tensors' ranges. Fields other than dtype/shape/data_offsets in an entry are ignored.
 */
final class SafetensorsHeader {
    private SafetensorsHeader() {}

    /**
     * One tensor's header entry (validated): {@code type} is the float storage type, null for a {@link RawTensor}
     * dtype ({@code tag}).
     */
    record Entry(String name, String tag, StorageType type, int[] shape, long begin, long end) {
        int numel() {
            return cola4j.tensor.Shapes.numel(shape);
        }
    }

    /** Parsed header: entries and metadata in header order. */
    record Parsed(List<Entry> entries, Map<String, String> metadata) {}

    static final String METADATA_KEY = "__metadata__";

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Parses {@code len} header bytes at {@code off} of {@code buf} and checks them against a data section of
     * {@code dataLen} bytes.
     */
    static Parsed parse(byte[] buf, int off, int len, long dataLen) throws SafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(strictUtf8(buf, off, len));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(Kind.INVALID_JSON, "header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new SafetensorsException(Kind.INVALID_JSON, "header could not be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(Kind.INVALID_HEADER,
                    "header must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        requireUnicode(root);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) metadata = metadata(f.getValue());
            else entries.add(entry(f.getKey(), f.getValue(), dataLen));
        }
        checkTiling(entries, dataLen);
        return new Parsed(entries, metadata);
    }

    /**
     * The header bytes as a String through a strict UTF-8 decoder: malformed input (overlong forms such as
     * {@code C0 AF}, UTF-8-encoded surrogates {@code ED A0 80}, code points above U+10FFFF, truncated sequences) is
     * reported, never replaced or decoded leniently.
     */
    private static String strictUtf8(byte[] buf, int off, int len) throws SafetensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(Kind.INVALID_JSON, "header is not valid UTF-8 (" + e + ")", e);
        }
    }

    /**
     * Every key and string value of the header is valid Unicode: JSON escapes can still spell an unpaired surrogate
     * ({@code "\\uD800"}), which no UTF-8 writer can encode, so such a header is refused and every name the reader
     * returns can be written back.
     */
    private static void requireUnicode(JsonNode node) throws SafetensorsException {
        if (node.isTextual()) {
            requireUnicode("string value", node.textValue());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                requireUnicode("key", f.getKey());
                requireUnicode(f.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) requireUnicode(e);
        }
    }

    private static void requireUnicode(String what, String s) throws SafetensorsException {
        int bad = unpairedSurrogate(s);
        if (bad >= 0) {
            throw new SafetensorsException(Kind.INVALID_JSON, "header " + what + " has an unpaired surrogate U+"
                    + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT) + " at index " + bad
                    + " (not valid Unicode)");
        }
    }

    /** Index of the first unpaired surrogate of {@code s}, or -1 when {@code s} is valid UTF-16. */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return i;
        }
        return -1;
    }

    private static Map<String, String> metadata(JsonNode node) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(Kind.INVALID_HEADER,
                    METADATA_KEY + " must be an object of strings, got " + node.getNodeType());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new SafetensorsException(Kind.INVALID_HEADER, METADATA_KEY + " value for key '" + f.getKey()
                        + "' must be a string, got " + f.getValue().getNodeType());
            }
            m.put(f.getKey(), f.getValue().textValue());
        }
        return m;
    }

    private static Entry entry(String name, JsonNode node, long dataLen) throws SafetensorsException {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsException(Kind.INVALID_HEADER,
                    what + ": entry must be an object, got " + node.getNodeType());
        }
        JsonNode dtype = node.get("dtype"), shape = node.get("shape"), offsets = node.get("data_offsets");
        if (dtype == null || shape == null || offsets == null) {
            throw new SafetensorsException(Kind.INVALID_HEADER,
                    what + ": entry needs dtype, shape and data_offsets, got " + node);
        }
        if (!dtype.isTextual()) {
            throw new SafetensorsException(Kind.INVALID_HEADER, what + ": dtype must be a string, got " + dtype);
        }
        String tag = dtype.textValue();
        StorageType type = StorageType.ofTag(tag);
        Integer size = type != null ? Integer.valueOf(type.bytes) : RawTensor.SIZES.get(tag);
        if (size == null) {
            throw new SafetensorsException(Kind.UNKNOWN_DTYPE, what + ": dtype '" + tag
                    + "' is not supported (F32, F64, F16, BF16, " + String.join(", ", RawTensor.TAGS) + ")");
        }
        if (!shape.isArray()) {
            throw new SafetensorsException(Kind.INVALID_SHAPE, what + ": shape must be an array, got " + shape);
        }
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.bigIntegerValue().signum() < 0 || !d.canConvertToInt()) {
                throw new SafetensorsException(Kind.INVALID_SHAPE,
                        what + ": shape " + shape + " must hold non-negative integers below 2^31");
            }
            dims[i] = d.intValue();
        }
        // a zero dimension anywhere makes the product 0 ([65536, 65536, 0] is an empty tensor), so the 2^31 bound
        // applies to the full product only, never to a prefix of it
        long numel = 1;
        for (int d : dims) if (d == 0) numel = 0;
        for (int i = 0; i < dims.length && numel > 0; i++) {
            numel *= dims[i];
            if (numel > Integer.MAX_VALUE) {
                throw new SafetensorsException(Kind.INVALID_SHAPE,
                        what + ": shape " + shape + " has more than 2^31-1 elements");
            }
        }
        if (!offsets.isArray() || offsets.size() != 2 || !nonNegativeLong(offsets.get(0))
                || !nonNegativeLong(offsets.get(1)) || offsets.get(0).longValue() > offsets.get(1).longValue()) {
            throw new SafetensorsException(Kind.INVALID_OFFSETS,
                    what + ": data_offsets " + offsets + " must be [begin, end] with 0 <= begin <= end");
        }
        long begin = offsets.get(0).longValue(), end = offsets.get(1).longValue();
        if (end > dataLen) {
            throw new SafetensorsException(Kind.OFFSETS_OUT_OF_BOUNDS,
                    what + ": data_offsets " + offsets + " end beyond the data section of " + dataLen + " bytes");
        }
        long expected = numel * size;
        if (end - begin != expected) {
            throw new SafetensorsException(Kind.SIZE_MISMATCH, what + ": data_offsets " + offsets + " span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(dims) + " of " + tag + " needs "
                    + numel + " x " + size + " = " + expected);
        }
        return new Entry(name, tag, type, dims, begin, end);
    }

    private static boolean nonNegativeLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    /**
     * Sorted by (begin, end), each range must start exactly where the previous one ended, and the last must
     * end at dataLen.
     */
    private static void checkTiling(List<Entry> entries, long dataLen) throws SafetensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin() < at) {
                throw new SafetensorsException(Kind.OVERLAPPING_OFFSETS,
                        "tensor '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlaps tensor '" + prev.name()
                        + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            if (e.begin() > at) {
                throw new SafetensorsException(Kind.DATA_NOT_COVERED,
                        "bytes [" + at + ", " + e.begin() + ") of the data section belong to no tensor");
            }
            at = e.end();
            prev = e;
        }
        if (at != dataLen) {
            throw new SafetensorsException(Kind.DATA_NOT_COVERED,
                    "bytes [" + at + ", " + dataLen + ") of the data section belong to no tensor");
        }
    }
}

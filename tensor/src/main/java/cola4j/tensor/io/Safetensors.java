package cola4j.tensor.io;

import cola4j.tensor.Tensor;
import cola4j.tensor.io.SafetensorsException.Kind;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors).
 *
 * <p>Layout: 8 bytes little-endian unsigned header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}},
 * possibly padded with trailing spaces; then the data section, little-endian, row-major, offsets relative to its start.
 * The writer emits {@code __metadata__} first with its keys sorted (so equal maps give equal bytes in every JVM),
 * then the tensors in the map's iteration order, contiguous, and pads the header with spaces so that the data
 * section starts at a multiple of 8. The reader accepts F32, F64, F16 and BF16 (the last two widened to float32) as
 * {@link Tensor}s, and the spec's integer and boolean dtypes (BOOL, U8, I8, I16, U16, I32, U32, I64, U64) as
 * {@link RawTensor}s, their bytes as stored (Hugging Face buffers such as I64 {@code position_ids}); it
 * validates everything listed in {@link SafetensorsException.Kind}; see {@link SafetensorsHeader} for the rules.
 * In particular the tensors' byte ranges must tile the data section exactly: overlaps, holes and trailing bytes are
 * rejected, as the official spec requires the byte buffer to be entirely indexed. Unknown fields inside a tensor
 * entry are ignored; duplicate keys are rejected.
 *
 * <p>Names are stored as given: any Java string that is valid Unicode (no unpaired surrogates) round-trips exactly,
 * since its UTF-8 bytes are the JSON key. {@code "__metadata__"} is reserved and cannot name a tensor.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Largest accepted header (100 MB), as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    // ------------------------------------------------------------------ files

    /** Writes {@code tensors} in their own dtypes; see {@link #write(Path, Map, Map, StorageType)}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, StorageType.NATIVE);
    }

    /**
     * Atomically writes a safetensors file: the bytes go to a temporary file in the same directory, which is fsynced
     * and then renamed over {@code file}. On any failure the temporary file is deleted and an existing {@code file}
     * is left untouched. The file gets the permissions of a plain new file (umask applied, see {@link TempFiles}).
     *
     * @throws IllegalArgumentException for an invalid name (reserved, not valid Unicode) before anything is written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
            StorageType storage) throws IOException {
        Plan plan = plan(tensors, Map.of(), metadata, storage);
        AtomicFiles.write(file, out -> emit(plan, out));
    }

    /**
     * Atomically writes {@code file}'s float tensors (stored as {@code storage}) and then its raw entries (bytes as
     * they are); reading the result gives back an equal file (for NATIVE storage).
     */
    public static void write(Path path, SafetensorsFile file, StorageType storage) throws IOException {
        Plan plan = plan(file.tensors(), file.raw(), file.metadata(), storage);
        AtomicFiles.write(path, out -> emit(plan, out));
    }

    /** Reads and validates a whole safetensors file (at most 2 GiB). */
    public static SafetensorsFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) {
            throw new SafetensorsException(Kind.FILE_TOO_LARGE,
                    file + " has " + size + " bytes; this reader loads whole files up to 2 GiB");
        }
        try {
            return decode(Files.readAllBytes(file));
        } catch (SafetensorsException e) {
            throw new SafetensorsException(e.kind(), file + ": " + e.detail(), e);
        }
    }

    // ------------------------------------------------------------------ bytes

    /** The complete file bytes for {@code tensors} (in map order) stored as {@code storage}. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata, StorageType storage) {
        return bytes(plan(tensors, Map.of(), metadata, storage));
    }

    /** The complete file bytes of {@code file}: float tensors as {@code storage}, then the raw entries as they are. */
    public static byte[] encode(SafetensorsFile file, StorageType storage) {
        return bytes(plan(file.tensors(), file.raw(), file.metadata(), storage));
    }

    /**
     * The message in one array of exactly its length, each tensor's elements written once, straight from its storage
     * ({@link TensorCodec#put}): no intermediate copy, no growing stream.
     */
    private static byte[] bytes(Plan plan) {
        long total = 8 + plan.header.length + plan.dataLen;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encode: " + total + " bytes do not fit in one array; use write()");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(plan.header.length).put(plan.header);
        for (int i = 0; i < plan.tensors.size(); i++) {
            Tensor t = plan.tensors.get(i);
            TensorCodec.put(t, plan.types.get(i), buf, 0, t.numel());
        }
        for (RawTensor r : plan.raw) buf.put(r.data());
        if (buf.position() != out.length) throw new IllegalStateException("encode: planned " + out.length
                + " bytes, wrote " + buf.position());
        return out;
    }

    /** Parses and validates safetensors bytes (see {@link SafetensorsException.Kind} for what is rejected). */
    public static SafetensorsFile decode(byte[] bytes) throws SafetensorsException {
        return decode(ByteBuffer.wrap(bytes), null);
    }

    /**
     * As {@link #decode(byte[])}, from {@code bytes}' position to its limit (e.g. a read-only view of a received
     * message, not copied), with the float tensors read straight into arrays of {@code dtype} (null: each in its
     * stored precision, F64 as float64, F32/F16/BF16 as float32). The values equal decoding and then converting with
     * {@link Tensor#to}: float32 → float64 is exact, float64 → float32 rounds to nearest even.
     */
    public static SafetensorsFile decode(ByteBuffer bytes, cola4j.tensor.DType dtype) throws SafetensorsException {
        ByteBuffer buf = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        int size = buf.remaining();
        if (size < 8) {
            throw new SafetensorsException(Kind.TRUNCATED,
                    "input has " + size + " bytes, fewer than the 8-byte header length");
        }
        long n = buf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(Kind.HEADER_TOO_LARGE,
                    "header length " + Long.toUnsignedString(n) + " exceeds " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafetensorsException(Kind.TRUNCATED,
                    "header length " + n + " exceeds the " + (size - 8) + " bytes after the length field");
        }
        int dataStart = 8 + (int) n;
        SafetensorsHeader.Parsed header;
        if (buf.hasArray()) {
            header = SafetensorsHeader.parse(buf.array(), buf.arrayOffset() + 8, (int) n, size - dataStart);
        } else {                                            // a read-only or direct buffer: copy the header only
            byte[] head = new byte[(int) n];
            buf.get(8, head);
            header = SafetensorsHeader.parse(head, 0, head.length, size - dataStart);
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            int at = dataStart + (int) e.begin();
            if (e.type() == null) {
                byte[] data = new byte[(int) (e.end() - e.begin())];
                buf.get(at, data);
                raw.put(e.name(), new RawTensor(e.tag(), e.shape(), data));
            } else {
                tensors.put(e.name(), TensorCodec.read(buf, at, e.type(), e.shape(), e.numel(), dtype));
            }
        }
        return new SafetensorsFile(tensors, header.metadata(), raw);
    }

    // ------------------------------------------------------------------ encoding plan

    /** Header bytes (padded), the tensors with their resolved storage, then the raw entries, in order. */
    private record Plan(byte[] header, List<String> names, List<Tensor> tensors, List<StorageType> types,
                        List<RawTensor> raw, long dataLen) {}

    private static Plan plan(Map<String, Tensor> tensors, Map<String, RawTensor> raws, Map<String, String> metadata,
            StorageType storage) {
        if (tensors == null || raws == null || storage == null) {
            throw new IllegalArgumentException("safetensors: tensors and storage must not be null");
        }
        ObjectNode root = SafetensorsHeader.JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            for (Map.Entry<String, String> m : sortedMetadata(metadata).entrySet()) {
                requireUnicode("metadata key", m.getKey());
                requireUnicode("metadata value", m.getValue());
                meta.put(m.getKey(), m.getValue());
            }
        }
        List<String> names = new ArrayList<>();
        List<Tensor> ts = new ArrayList<>();
        List<StorageType> types = new ArrayList<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            requireUnicode("tensor name", name);
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: tensor name '__metadata__' is reserved");
            }
            Tensor t = e.getValue();
            if (t == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            StorageType type = storage.resolve(t.dtype());
            long len = (long) t.numel() * type.bytes;
            ObjectNode info = root.putObject(name);
            info.put("dtype", type.tag);
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            info.putArray("data_offsets").add(at).add(at + len);
            names.add(name);
            ts.add(t);
            types.add(type);
            at += len;
        }
        List<RawTensor> rs = new ArrayList<>();
        for (Map.Entry<String, RawTensor> e : raws.entrySet()) {
            String name = e.getKey();
            requireUnicode("tensor name", name);
            if (name.equals(SafetensorsHeader.METADATA_KEY) || tensors.containsKey(name)) {
                throw new IllegalArgumentException("safetensors: tensor name '" + name + "' is reserved or taken");
            }
            RawTensor r = e.getValue();
            if (r == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            ObjectNode info = root.putObject(name);
            info.put("dtype", r.dtype());
            ArrayNode shape = info.putArray("shape");
            for (int d : r.shape()) shape.add(d);
            long len = r.data().length;
            info.putArray("data_offsets").add(at).add(at + len);
            rs.add(r);
            at += len;
        }
        byte[] json;
        try {
            // via a String: Jackson 2.17's byte generator escapes non-BMP characters as surrogate pairs (\uD83D\uDE00);
            // the String route writes their plain 4-byte UTF-8, as other tools do
            json = SafetensorsHeader.JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new IllegalStateException("header serialization failed", ex);
        }
        int padded = (json.length + 7) / 8 * 8;                    // data section starts at 8 + padded, a multiple of 8
        byte[] header = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(header, json.length, padded, (byte) ' ');
        return new Plan(header, names, ts, types, rs, at);
    }

    /**
     * The metadata in key order (String.compareTo: UTF-16 code units), so the header bytes do not depend on the
     * caller's map type ({@code Map.of} iterates in an order that changes from one JVM to the next).
     */
    private static java.util.TreeMap<String, String> sortedMetadata(Map<String, String> metadata) {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            requireUnicode("metadata key", m.getKey());
            sorted.put(m.getKey(), m.getValue());
        }
        return sorted;
    }

    private static void requireUnicode(String what, String s) {
        if (s == null) throw new IllegalArgumentException("safetensors: " + what + " is null");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("safetensors: " + what + " '" + s
                        + "' has an unpaired surrogate at index " + i + " (not valid Unicode)");
            }
        }
    }

    private static void emit(Plan plan, OutputStream out) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(plan.header.length);
        out.write(len.array());
        out.write(plan.header);
        for (int i = 0; i < plan.tensors.size(); i++) TensorCodec.write(plan.tensors.get(i), plan.types.get(i), out);
        for (RawTensor r : plan.raw) out.write(r.data());
    }
}

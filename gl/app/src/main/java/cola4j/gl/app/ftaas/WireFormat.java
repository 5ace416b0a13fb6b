package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsException;
import cola4j.tensor.io.SafetensorsFile;
import cola4j.tensor.io.StorageType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of the FTaaS messages, one encoding for every transport (in-process and gRPC): a safetensors file
 * <pre>
 *   bytes[0, 8)        N, the header length, unsigned 64-bit little-endian
 *   bytes[8, 8 + N)    the JSON header (names, dtypes, shapes, data offsets; padded to a multiple of 8)
 *   bytes[8 + N, end)  the payload: every tensor's elements
 * </pre>
 * Down (adaptation data of one batch, site i = 0, 1, …): {@code i/<site>/x} [rows, in] (ids [rows]) and
 * {@code i/<site>/grad_h} [rows, out] as {@link TransferDtype}; metadata kind = adaptation_data. Up (auxiliary
 * parameters {@code site/param} or deltas {@code site/delta_weight}, {@code site/delta_bias}): the tensors' own
 * dtype, bit-exact; metadata kind = auxiliary_upload. Decoding is for untrusted bytes: any malformed message is an
 * IllegalArgumentException, never a partial result.
 *
 * <p>No intermediate copies: {@link Safetensors#encode} writes each tensor once, straight from its storage, into
 * the message array (which gRPC then wraps, {@code UnsafeByteOperations.unsafeWrap}, since nothing writes it after);
 * decoding reads from the message bytes or a read-only view of a received ByteString
 * ({@code asReadOnlyByteBuffer}) straight into arrays of the model dtype.
 */
public final class WireFormat {
    private WireFormat() {}

    /** Encodes one batch's adaptation data for {@code user}. */
    public static byte[] encodeDown(int user, List<AdaptationData> data, TransferDtype type) {
        LinkedHashMap<String, Tensor> msg = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            AdaptationData d = data.get(i);
            msg.put(i + "/" + d.site() + "/x", d.x());
            msg.put(i + "/" + d.site() + "/grad_h", d.gradH());
        }
        Map<String, String> meta = Map.of("kind", "adaptation_data", "user", Integer.toString(user));
        return Safetensors.encode(msg, meta, type.storage());
    }

    /** Decodes a down message into adaptation data of {@code dtype}, in the sender's order. */
    public static List<AdaptationData> decodeDown(byte[] bytes, DType dtype) {
        return decodeDown(ByteBuffer.wrap(bytes), dtype);
    }

    /** As above from {@code bytes}' position to its limit, each tensor read straight into an array of {@code dtype}. */
    public static List<AdaptationData> decodeDown(ByteBuffer bytes, DType dtype) {
        LinkedHashMap<String, Tensor> t = decode(bytes, "adaptation_data", dtype);
        if (t.size() % 2 != 0) throw fail("adaptation data has " + t.size() + " tensors, not (x, grad_h) pairs");
        List<AdaptationData> out = new ArrayList<>();
        for (int i = 0; i < t.size() / 2; i++) {
            String prefix = i + "/";
            String xName = null;
            for (String n : t.keySet()) if (n.startsWith(prefix) && n.endsWith("/x")) xName = n;
            if (xName == null) throw fail("adaptation data lacks entry " + i + "/<site>/x");
            String site = xName.substring(prefix.length(), xName.length() - 2);
            Tensor x = t.get(xName), g = t.get(prefix + site + "/grad_h");
            if (g == null) throw fail("adaptation data lacks " + prefix + site + "/grad_h");
            try {
                out.add(new AdaptationData(site, x, g));
            } catch (IllegalArgumentException e) {
                throw fail("adaptation data at " + site + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Encodes an upload of {@code user}: tensors in their own dtype. */
    public static byte[] encodeUp(int user, LinkedHashMap<String, Tensor> tensors) {
        Map<String, String> meta = Map.of("kind", "auxiliary_upload", "user", Integer.toString(user));
        return Safetensors.encode(tensors, meta, StorageType.NATIVE);
    }

    /** Decodes an upload (names and shapes are the receiver's to check). */
    public static LinkedHashMap<String, Tensor> decodeUp(byte[] bytes) {
        return decode(bytes, "auxiliary_upload");
    }

    /** As above from {@code bytes}' position to its limit (e.g. a received message's read-only view). */
    public static LinkedHashMap<String, Tensor> decodeUp(ByteBuffer bytes) {
        return decode(bytes, "auxiliary_upload", null);
    }

    /** Named tensors of another kind of message (e.g. a training batch) with metadata kind {@code kind}. */
    public static byte[] encode(String kind, LinkedHashMap<String, Tensor> tensors) {
        return Safetensors.encode(tensors, Map.of("kind", kind), StorageType.NATIVE);
    }

    /** Decodes a message whose metadata kind must be {@code kind}. */
    public static LinkedHashMap<String, Tensor> decode(byte[] bytes, String kind) {
        return decode(ByteBuffer.wrap(bytes), kind, null);
    }

    /**
     * As above from {@code bytes}' position to its limit, the tensors in {@code dtype} (null: each in its stored
     * precision, see {@link Safetensors#decode(ByteBuffer, DType)}).
     */
    public static LinkedHashMap<String, Tensor> decode(ByteBuffer bytes, String kind, DType dtype) {
        SafetensorsFile f;
        try {
            f = Safetensors.decode(bytes, dtype);
        } catch (SafetensorsException | RuntimeException e) {
            throw fail("a message failed to decode: " + e.getMessage());
        }
        String k = f.metadata() == null ? null : f.metadata().get("kind");
        if (!kind.equals(k)) throw fail("expected a " + kind + " message, got kind " + k);
        if (!f.raw().isEmpty()) throw fail("unexpected integer/BOOL entries " + f.raw().keySet() + " in a " + kind);
        return f.tensors();
    }

    /** 8 + N: the length prefix plus the JSON header, N read from the first 8 bytes (little-endian). */
    public static long headerBytes(byte[] message) {
        return headerBytes(ByteBuffer.wrap(message));
    }

    /** As above for the message from {@code message}'s position to its limit. */
    public static long headerBytes(ByteBuffer message) {
        int size = message.remaining();
        if (size < 8) {
            throw new IllegalStateException("transport: a message of " + size + " bytes has no header length");
        }
        long n = message.slice().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > size - 8L) {
            throw new IllegalStateException("transport: header length " + n + " exceeds the message of "
                    + size + " bytes");
        }
        return 8 + n;
    }

    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("wire: " + what);
    }
}

package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import cola4j.tensor.io.StorageType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Transport} inside one process: each message is encoded with {@link Safetensors#encode} into a byte
 * array and decoded with {@link Safetensors#decode} on the other side, so sender and receiver share no tensor.
 *
 * <p>Down message of one batch (site i = 0, 1, …): tensors {@code i/<site>/x} [rows, in] (or ids [rows]) and
 * {@code i/<site>/grad_h} [rows, out], stored as {@link TransferDtype} (bf16 arrives as float32 and is converted to
 * the model dtype {@code dtype}). Up message: the given names, in their own dtype (bit-exact).
 *
 * <p>Bytes are counted from the encoded message itself: header = 8 + N with N read from the message's first 8 bytes
 * (little-endian), payload = message length − 8 − N ({@link TransferStats}). The payload of a down message is
 * Σ_sites rows × (in + out) × bytes_per_element exactly (in = 1 for ids). A {@link WireTap} may watch every message.
 */
public final class InProcessTransport implements Transport {
    private final TransferDtype downType;
    private final DType dtype;
    private final WireTap tap;
    private long downPayload, downHeader, downMessages, upPayload, upHeader, upMessages, nanos;

    /**
     * @param downType element type of adaptation data on the wire
     * @param dtype    the model dtype adaptation data is converted back to on arrival
     */
    public InProcessTransport(TransferDtype downType, DType dtype) {
        this(downType, dtype, null);
    }

    /** As above, with {@code tap} (or null) seeing a copy of every encoded message. */
    public InProcessTransport(TransferDtype downType, DType dtype, WireTap tap) {
        this.downType = downType;
        this.dtype = dtype;
        this.tap = tap;
    }

    @Override
    public synchronized List<AdaptationData> down(int user, List<AdaptationData> data) {
        long t0 = System.nanoTime();
        LinkedHashMap<String, Tensor> msg = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            AdaptationData d = data.get(i);
            msg.put(i + "/" + d.site() + "/x", d.x());
            msg.put(i + "/" + d.site() + "/grad_h", d.gradH());
        }
        byte[] bytes = Safetensors.encode(msg, Map.of("kind", "adaptation_data", "user", Integer.toString(user)), downType.storage());
        long header = headerBytes(bytes);
        downPayload += bytes.length - header;
        downHeader += header;
        downMessages++;
        if (tap != null) tap.message(WireTap.Direction.DOWN, user, bytes.clone());
        SafetensorsFile f = decode(bytes);
        List<AdaptationData> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            String site = data.get(i).site();
            Tensor x = f.tensors().get(i + "/" + site + "/x"), g = f.tensors().get(i + "/" + site + "/grad_h");
            out.add(new AdaptationData(site, x.to(dtype), g.to(dtype)));
        }
        nanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public synchronized LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors) {
        long t0 = System.nanoTime();
        byte[] bytes = Safetensors.encode(tensors, Map.of("kind", "auxiliary_upload", "user", Integer.toString(user)), StorageType.NATIVE);
        long header = headerBytes(bytes);
        upPayload += bytes.length - header;
        upHeader += header;
        upMessages++;
        if (tap != null) tap.message(WireTap.Direction.UP, user, bytes.clone());
        LinkedHashMap<String, Tensor> out = decode(bytes).tensors();
        nanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public synchronized TransferStats stats() {
        return new TransferStats(downPayload, downHeader, downMessages, upPayload, upHeader, upMessages, nanos);
    }

    private static SafetensorsFile decode(byte[] bytes) {
        try {
            return Safetensors.decode(bytes);
        } catch (cola4j.tensor.io.SafetensorsException e) {
            throw new IllegalStateException("transport: a message failed to decode: " + e.getMessage(), e);
        }
    }

    /** 8 + N: the length prefix plus the JSON header, N read from the first 8 bytes (little-endian) of {@code message}. */
    static long headerBytes(byte[] message) {
        if (message.length < 8) throw new IllegalStateException("transport: a message of " + message.length + " bytes has no header length");
        long n = java.nio.ByteBuffer.wrap(message, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > message.length - 8L) throw new IllegalStateException("transport: header length " + n + " exceeds the message of " + message.length + " bytes");
        return 8 + n;
    }
}

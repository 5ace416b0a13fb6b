package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

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
        byte[] bytes = WireFormat.encodeDown(user, data, downType);
        long header = WireFormat.headerBytes(bytes);
        downPayload += bytes.length - header;
        downHeader += header;
        downMessages++;
        if (tap != null) tap.message(WireTap.Direction.DOWN, user, bytes.clone());
        List<AdaptationData> out = decoded(() -> WireFormat.decodeDown(bytes, dtype));
        nanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public synchronized LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors) {
        long t0 = System.nanoTime();
        byte[] bytes = WireFormat.encodeUp(user, tensors);
        long header = WireFormat.headerBytes(bytes);
        upPayload += bytes.length - header;
        upHeader += header;
        upMessages++;
        if (tap != null) tap.message(WireTap.Direction.UP, user, bytes.clone());
        LinkedHashMap<String, Tensor> out = decoded(() -> WireFormat.decodeUp(bytes));
        nanos += System.nanoTime() - t0;
        return out;
    }

    @Override
    public synchronized TransferStats stats() {
        return new TransferStats(downPayload, downHeader, downMessages, upPayload, upHeader, upMessages, nanos);
    }

    /** A message this transport encoded itself fails to decode only through a bug: an IllegalStateException. */
    private static <T> T decoded(java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("transport: a message failed to decode: " + e.getMessage(), e);
        }
    }
}

package cola4j.gl.app.ftaas;

/**
 * Bytes a {@link Transport} carried, each way, split into payload and header. A message is one safetensors file:
 *
 * <pre>
 *   total   = the message's length in bytes
 *   header  = 8 + N            (N: the JSON header length, read from the message's first 8 bytes)
 *   payload = total − header   (= Σ_tensors numel × bytes_per_element: what the analytic formulas predict exactly)
 * </pre>
 *
 * "Down" is server → user (adaptation data x, dL/dh); "up" is user → server (auxiliary parameters or deltas).
 *
 * @param downPayload   payload bytes sent down
 * @param downHeader    header bytes sent down
 * @param downMessages  messages sent down
 * @param upPayload     payload bytes sent up
 * @param upHeader      header bytes sent up
 * @param upMessages    messages sent up
 * @param encodeNanos   time spent encoding and decoding (both ways)
 */
public record TransferStats(long downPayload, long downHeader, long downMessages, long upPayload, long upHeader,
                            long upMessages, long encodeNanos) {
    public static final TransferStats ZERO = new TransferStats(0, 0, 0, 0, 0, 0, 0);

    public long downTotal() {
        return downPayload + downHeader;
    }

    public long upTotal() {
        return upPayload + upHeader;
    }

    /** This minus an earlier reading (the traffic in between). */
    public TransferStats minus(TransferStats earlier) {
        return new TransferStats(downPayload - earlier.downPayload, downHeader - earlier.downHeader,
                downMessages - earlier.downMessages, upPayload - earlier.upPayload, upHeader - earlier.upHeader,
                upMessages - earlier.upMessages, encodeNanos - earlier.encodeNanos);
    }
}

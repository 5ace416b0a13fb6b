package cola4j.gl.app.ftaas;

/**
 * Sees every message an {@link InProcessTransport} puts on the wire, as encoded: a safetensors file
 * <pre>
 *   bytes[0, 8)        N, the header length, unsigned 64-bit little-endian
 *   bytes[8, 8 + N)    the JSON header (names, dtypes, shapes, data offsets; padded to a multiple of 8)
 *   bytes[8 + N, end)  the payload: every tensor's elements
 * </pre>
 * A test reads the real message lengths through it; a networked transport would send exactly these bytes.
 */
@FunctionalInterface
public interface WireTap {
    /** Which way a message travels. */
    enum Direction {
        /** Server → user: adaptation data. */
        DOWN,
        /** User → server: auxiliary parameters or deltas. */
        UP
    }

    /** One message to or from {@code user}; {@code bytes} is the tap's own copy. */
    void message(Direction direction, int user, byte[] bytes);
}

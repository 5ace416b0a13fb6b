package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.AdaptationData;
import cola4j.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire messages' metadata is written in key order (the writer sorts it), so a message's bytes are a function of
 * its content alone: with {@code Map.of} iteration order, salted per JVM, two processes sent different bytes.
 */
class WireBytesTest {
    private static String header(byte[] msg) {
        long n = java.nio.ByteBuffer.wrap(msg).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(msg, 8, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void downAndUpMessagesHaveTheirMetadataInKeyOrder() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2), g = Tensor.of(new float[] {3}, 1, 1);
        byte[] down = WireFormat.encodeDown(3, List.of(new AdaptationData("s", x, g)), TransferDtype.NATIVE);
        assertThat(header(down)).startsWith("{\"__metadata__\":{\"kind\":\"adaptation_data\",\"user\":\"3\"}");
        LinkedHashMap<String, Tensor> up = new LinkedHashMap<>();
        up.put("s/w", x);
        assertThat(header(WireFormat.encodeUp(5, up)))
                .startsWith("{\"__metadata__\":{\"kind\":\"auxiliary_upload\",\"user\":\"5\"}");
        assertThat(WireFormat.encodeUp(5, up)).isEqualTo(WireFormat.encodeUp(5, new LinkedHashMap<>(up)));
    }
}

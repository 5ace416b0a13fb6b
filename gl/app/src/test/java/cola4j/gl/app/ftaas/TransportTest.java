package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes on the wire, read from the encoded messages themselves (a {@link WireTap}): header length N from the first 8
 * bytes, payload = length − 8 − N, and the payload once more from the header's own data offsets. The payload equals
 * the analytic formula exactly; the transport's counters equal the sums over the real messages; the decoded copy
 * and the bf16 error bound.
 */
class TransportTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT32);
    private static final List<Site> SITES = W.adaptedSites(W.base());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message as captured on the wire. */
    record Message(WireTap.Direction direction, int user, byte[] bytes) {
        /** N: the header length in the first 8 bytes (unsigned 64-bit little-endian). */
        long headerLength() {
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(n).as("header length").isBetween(2L, bytes.length - 8L);
            return n;
        }

        long payload() {
            return bytes.length - 8 - headerLength();
        }

        JsonNode header() {
            try {
                return JSON.readTree(new String(bytes, 8, (int) headerLength(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new AssertionError("header is not JSON", e);
            }
        }

        /**
         * Σ_tensors (end − start) of the header's data_offsets: the payload as the receiver's header declares it.
         */
        long declaredPayload() {
            long b = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = header().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                b += e.getValue().get("data_offsets").get(1).asLong()
                        - e.getValue().get("data_offsets").get(0).asLong();
            }
            return b;
        }

        String kind() {
            return header().get("__metadata__").get("kind").asText();
        }
    }

    /** K = 3 users lowrank r2 I1, linear I2, lowrank r2 I1 (ranks 2~3, intervals 1~2), 4 steps. */
    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void payloadPerStepEqualsTheFormulaExactly(ColaMode mode) {
        int k = 3, steps = 4;
        List<UserSpec> users = new UserPattern(List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR), List.of(2, 3),
                List.of(1, 2), List.of(OptimizerKind.ADAMW), List.of(0.01)).cycle(k, 5, 11);
        List<Message> wire = new ArrayList<>();
        ColaSession<?> s = new ColaSession<>(W, users, FtaasFixtures.config(steps, mode, TransferDtype.NATIVE), "cola",
                (t, d) -> new InProcessTransport(t, d, (dir, u, b) -> wire.add(new Message(dir, u, b))));
        MethodResult r = s.run(null);
        assertThat(r.errors()).isEmpty();
        List<Message> down = wire.stream().filter(m -> m.direction() == WireTap.Direction.DOWN).toList();
        List<Message> up = wire.stream().filter(m -> m.direction() == WireTap.Direction.UP).toList();
        // unmerged: replicas built from an initial upload
        int setupUps = mode == ColaMode.UNMERGED ? k : 0;
        List<Message> setup = up.subList(0, setupUps), stepUps = up.subList(setupUps, up.size());

        long perUser = 0;
        for (Site site : SITES) {
            perUser += 4L * (site.inFeatures() + site.outFeatures()) * 4; // rows × (in + out) × 4 bytes
        }
        assertThat(down).hasSize(k * steps);
        for (Message m : wire) {
            assertThat(m.payload()).as("payload from the header's data offsets").isEqualTo(m.declaredPayload());
        }
        for (Message m : down) {
            assertThat(m.kind()).isEqualTo("adaptation_data");
            assertThat(m.payload()).isEqualTo(perUser);
        }
        long downPayload = down.stream().mapToLong(Message::payload).sum(),
                downTotal = down.stream().mapToLong(m -> m.bytes().length).sum();
        assertThat(downPayload).isEqualTo(k * steps * perUser);
        assertThat((double) downPayload / steps).isEqualTo(r.downPayloadPerStep()).isEqualTo(r.downBytesAnalytic());
        assertThat((double) downTotal / steps).isEqualTo(r.downBytesPerStep()).isGreaterThan(r.downPayloadPerStep());

        long expectedUp = 0;
        for (UserSpec u : users) {
            if (mode == ColaMode.UNMERGED) expectedUp += AnalyticBytes.auxParameters(u,
                    SITES) * 4 * (steps / u.interval()); // parameters after each fit
            else for (Site site : SITES) expectedUp += 4L * steps * (site.inFeatures() * site.outFeatures()
                    + (u.auxType() == AuxiliaryKind.LINEAR ? site.outFeatures() : 0));
        }
        long upPayload = stepUps.stream().mapToLong(Message::payload).sum(),
                upTotal = stepUps.stream().mapToLong(m -> m.bytes().length).sum();
        assertThat(upPayload).isEqualTo(expectedUp);
        assertThat((double) upPayload / steps).isEqualTo(r.upPayloadPerStep()).isEqualTo(r.upBytesAnalytic());
        assertThat((double) upTotal / steps).isEqualTo(r.upBytesPerStep());
        for (Message m : up) assertThat(m.kind()).isEqualTo("auxiliary_upload");
        assertThat(r.setupUpBytes()).isEqualTo(setup.stream().mapToLong(m -> m.bytes().length).sum());
        long initial = users.stream().mapToLong(u -> AnalyticBytes.auxParameters(u, SITES) * 4).sum();
        assertThat(setup.stream().mapToLong(Message::payload).sum()).isEqualTo(mode == ColaMode.UNMERGED ? initial : 0);
        TransferStats total = s.transport().stats();
        assertThat(total.downPayload() + total.downHeader()).isEqualTo(downTotal);
        assertThat(total.upPayload()).isEqualTo(up.stream().mapToLong(Message::payload).sum());
        assertThat(total.upMessages()).isEqualTo(up.size());
    }

    @Test
    void bf16HalvesThePayload() {
        List<UserSpec> users = FtaasFixtures.users(2, "lowrank", 1);
        MethodResult f = new ColaSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE),
                "f32").run(null);
        MethodResult b = new ColaSession<>(W, users, FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.BF16),
                "bf16").run(null);
        assertThat(b.downPayloadPerStep() * 2).isEqualTo(f.downPayloadPerStep());
        assertThat(b.downBytesAnalytic()).isEqualTo(b.downPayloadPerStep());
    }

    @Test
    void receiverGetsADecodedCopyAndBf16ErrorIsBounded() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(DType.FLOAT64, 0, 3, 7, 5), g = rng.normal(DType.FLOAT64, 0, 1e-3, 7, 4);
        AdaptationData d = new AdaptationData("layers.0", x, g);
        List<AdaptationData> exact = new InProcessTransport(TransferDtype.NATIVE, DType.FLOAT64).down(0, List.of(d));
        assertThat(exact.get(0).x()).isNotSameAs(x);
        assertThat(exact.get(0).x().toDoubleArray()).containsExactly(x.toDoubleArray());
        List<Message> wire = new ArrayList<>();
        InProcessTransport t = new InProcessTransport(TransferDtype.BF16, DType.FLOAT64,
                (dir, u, b) -> wire.add(new Message(dir, u, b)));
        AdaptationData r = t.down(0, List.of(d)).get(0);
        assertThat(r.x().dtype()).isEqualTo(DType.FLOAT64);
        double worst = 0;
        for (Tensor[] p : new Tensor[][] {{x, r.x()}, {g, r.gradH()}}) {
            double[] a = p[0].toDoubleArray(), b = p[1].toDoubleArray();
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(b[i] - a[i]) / Math.abs(a[i]));
        }
        assertThat(worst).isLessThanOrEqualTo(Math.pow(2, -8)).isPositive();
        assertThat(wire).hasSize(1);
        Message m = wire.get(0);
        assertThat(m.header().get("0/layers.0/x").get("dtype").asText()).isEqualTo("BF16");
        // bf16: 2 bytes per element
        assertThat(m.payload()).isEqualTo(m.declaredPayload()).isEqualTo((7L * 5 + 7L * 4) * 2);
        assertThat(m.headerLength() % 8).as("JSON header padded to a multiple of 8").isZero();
        assertThat(t.stats().downPayload()).isEqualTo(m.payload());
        assertThat(t.stats().downHeader()).isEqualTo(8 + m.headerLength());
        assertThat(t.stats().downMessages()).isEqualTo(1);
    }

    @Test
    void uploadsRoundTripBitExactly() {
        List<Message> wire = new ArrayList<>();
        InProcessTransport t = new InProcessTransport(TransferDtype.BF16, DType.FLOAT32,
                (dir, u, b) -> wire.add(new Message(dir, u, b)));
        LinkedHashMap<String, Tensor> p = new LinkedHashMap<>();
        p.put("head/lora_A.weight", new Rng(1).normal(DType.FLOAT32, 0, 1, 2, 3));
        LinkedHashMap<String, Tensor> got = t.up(7, p);
        assertThat(got.get("head/lora_A.weight").toDoubleArray())
                .containsExactly(p.get("head/lora_A.weight").toDoubleArray());
        assertThat(wire).singleElement().satisfies(m -> {
            assertThat(m.direction()).isEqualTo(WireTap.Direction.UP);
            assertThat(m.user()).isEqualTo(7);
            // float32 travels as is, bf16 notwithstanding
            assertThat(m.payload()).isEqualTo(6 * 4);
            assertThat(m.header().get("head/lora_A.weight").get("dtype").asText()).isEqualTo("F32");
        });
        assertThat(t.stats().upPayload()).isEqualTo(6 * 4);
    }

    @Test
    void aMessageWithoutAValidHeaderLengthIsRefused() {
        assertThat(WireFormat.headerBytes(new byte[] {16, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                13, 14, 15, 16})).isEqualTo(24);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WireFormat.headerBytes(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no header length");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        WireFormat.headerBytes(new byte[] {100, 0, 0, 0, 0, 0, 0, 0, 1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exceeds");
    }
}

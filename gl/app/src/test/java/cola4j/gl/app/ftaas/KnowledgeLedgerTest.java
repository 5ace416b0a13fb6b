package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.AdaptationData;
import cola4j.gl.app.ftaas.KnowledgeLedger.Item;
import cola4j.gl.app.ftaas.grpc.GrpcSession;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who knows what ({@link KnowledgeLedger}): in process ({@link LedgerTransport}) and over gRPC, the server receives
 * only training rows and w (unmerged) or ΔW (merged), never dL/dw; every user receives only x and dL/dh, from the
 * server, and the x it receives at the first site are exactly the rows it sampled itself (so no other user's data).
 * Negative controls: base weights, a loss, a parameter gradient or another user's message are each reported.
 */
class KnowledgeLedgerTest {
    /** The digits workload recording every batch each user samples. */
    static final class Recording extends FtaasFixtures.Delegating {
        final Map<Integer, List<double[][]>> sampled = new LinkedHashMap<>();

        Recording(DigitsTenants inner) {
            super(inner);
        }

        @Override
        public VectorBatch sample(int user, int rows, Rng rng) {
            VectorBatch b = inner.sample(user, rows, rng);
            sampled.computeIfAbsent(user, u -> new ArrayList<>()).add(b.x());
            return b;
        }
    }

    @Test
    void inProcessUsersGetOnlyTheirOwnRowsAndTheServerNeverAParameterGradient() {
        for (ColaMode mode : new ColaMode[] {ColaMode.UNMERGED, ColaMode.MERGED, ColaMode.MERGED_AVERAGE}) {
            Recording w = new Recording(FtaasFixtures.digits(DType.FLOAT64));
            KnowledgeLedger ledger = new KnowledgeLedger();
            Map<Integer, List<Tensor>> firstSiteX = new LinkedHashMap<>();
            ColaSession<?> s = new ColaSession<>(w, FtaasFixtures.users(3, "lowrank~linear", 1),
                    FtaasFixtures.config(3, mode, TransferDtype.NATIVE), "cola", (t, d) -> new LedgerTransport(
                            new Capture(new InProcessTransport(t, d), firstSiteX), ledger));
            MethodResult r = s.run(x -> {});
            assertThat(r.errors()).isEmpty();
            assertThat(ledger.violations()).as(mode.toString()).isEmpty();
            assertThat(ledger.parties()).containsExactlyInAnyOrder("server", "user-0", "user-1", "user-2");
            assertThat(ledger.items("server")).as(mode.toString()).isEqualTo(mode == ColaMode.UNMERGED
                    ? EnumSet.of(Item.AUXILIARY_PARAMETERS) : EnumSet.of(Item.DELTA));
            for (int u = 0; u < 3; u++) {
                assertThat(ledger.items("user-" + u)).isEqualTo(EnumSet.of(Item.INPUT, Item.HIDDEN_GRADIENT));
                List<double[][]> own = w.sampled.get(u);
                List<Tensor> got = firstSiteX.get(u);
                assertThat(got).hasSameSizeAs(own);
                for (int k = 0; k < own.size(); k++) {
                    double[] flat = java.util.Arrays.stream(own.get(k)).flatMapToDouble(java.util.Arrays::stream)
                            .toArray();
                    assertThat(got.get(k).toDoubleArray()).as(mode + " user " + u + " batch " + k)
                            .containsExactly(flat);
                }
            }
        }
    }

    @Test
    void overGrpcTheServerAlsoGetsTrainingRowsAndFinalParameters() throws Exception {
        for (ColaMode mode : new ColaMode[] {ColaMode.UNMERGED, ColaMode.MERGED}) {
            KnowledgeLedger ledger = new KnowledgeLedger();
            MethodResult r = GrpcSession.run(FtaasFixtures.digits(DType.FLOAT32), FtaasFixtures.users(2, "lowrank", 1),
                    FtaasFixtures.config(3, mode, TransferDtype.NATIVE), "cola", "mlp", 20_000, ledger);
            assertThat(r.errors()).isEmpty();
            assertThat(ledger.violations()).isEmpty();
            // merged: ΔW every step, and the final parameters w once, for the server's evaluation of the user's metric
            assertThat(ledger.items("server")).as(mode.toString()).isEqualTo(mode == ColaMode.UNMERGED
                    ? EnumSet.of(Item.TRAINING_ROWS, Item.AUXILIARY_PARAMETERS)
                    : EnumSet.of(Item.TRAINING_ROWS, Item.AUXILIARY_PARAMETERS, Item.DELTA));
            assertThat(ledger.items("user-0")).isEqualTo(EnumSet.of(Item.INPUT, Item.HIDDEN_GRADIENT));
            assertThat(ledger.items("user-1")).isEqualTo(EnumSet.of(Item.INPUT, Item.HIDDEN_GRADIENT));
        }
    }

    @Test
    void negativeControlsAreReported() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 2);
        String[][] cases = {
                {"user-0", "server", "adaptation_data", "0/layers.0/weight", "user-0 received OTHER"},
                {"user-0", "server", "adaptation_data", "loss", "user-0 received OTHER"},
                {"server", "user-1", "auxiliary_upload", "layers.0/lora_A.weight_grad", "received PARAMETER_GRADIENT"},
                {"user-0", "user-1", "adaptation_data", "0/layers.0/x", "user-0 received INPUT from [user-1]"},
                {"user-0", "server", "batch", "x", "user-0 received TRAINING_ROWS"},
        };
        for (String[] c : cases) {
            KnowledgeLedger l = new KnowledgeLedger();
            l.received(c[0], c[1], c[2], Map.of(c[3], t));
            assertThat(l.violations()).as(c[3]).anyMatch(v -> v.contains(c[4]));
        }
        KnowledgeLedger ok = new KnowledgeLedger();
        ok.received("server", "user-1", "auxiliary_upload", Map.of("layers.0/delta_weight", t));
        ok.received("user-1", "server", "adaptation_data", Map.of("0/layers.0/x", t, "0/layers.0/grad_h", t));
        assertThat(ok.violations()).isEmpty();
    }

    /** Keeps the x each user receives at the first site (in arrival order). */
    private record Capture(Transport inner, Map<Integer, List<Tensor>> firstSiteX) implements Transport {
        @Override
        public List<AdaptationData> down(int user, List<AdaptationData> data) {
            List<AdaptationData> got = inner.down(user, data);
            firstSiteX.computeIfAbsent(user, u -> new ArrayList<>()).add(got.get(0).x());
            return got;
        }

        @Override
        public LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors) {
            return inner.up(user, tensors);
        }

        @Override
        public TransferStats stats() {
            return inner.stats();
        }
    }
}

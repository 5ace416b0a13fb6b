package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.FtaasFixtures;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.cola.ColaMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cola ftaas --transport grpc}: the payload of the messages equals the analytic formula exactly and the
 * in-process session's bytes; the sockets carry that plus framing (and the training rows up); the users' final
 * metrics equal the in-process session's.
 */
class GrpcSessionTest {
    @Test
    void payloadEqualsTheFormulaAndTheInProcessSessionAndTheWireAddsFraming() throws Exception {
        for (ColaMode mode : new ColaMode[] {ColaMode.UNMERGED, ColaMode.MERGED_AVERAGE}) {
            SessionConfig cfg = new SessionConfig(4, 4, mode, TransferDtype.NATIVE, 4, 7, 2e-3);
            List<UserSpec> specs = FtaasFixtures.users(3, "lowrank~linear", 1);
            MethodResult grpc = GrpcSession.run(NetHarness.W, specs, cfg, "cola", "mlp", 20_000);
            MethodResult local = new ColaSession<>(NetHarness.W, specs, cfg, "cola").run(null);
            assertThat(grpc.errors()).isEmpty();
            assertThat(grpc.downPayloadPerStep()).isEqualTo(grpc.downBytesAnalytic())
                    .isEqualTo(local.downPayloadPerStep());
            assertThat(grpc.upPayloadPerStep()).isEqualTo(grpc.upBytesAnalytic()).isEqualTo(local.upPayloadPerStep());
            assertThat(grpc.downBytesPerStep()).isEqualTo(local.downBytesPerStep());
            assertThat(grpc.metrics()).isEqualTo(local.metrics());
            assertThat(grpc.wire().transport()).isEqualTo("grpc");
            assertThat(grpc.wire().downBytesPerStep()).isGreaterThan(grpc.downBytesPerStep());
            assertThat(grpc.wire().upBytesPerStep()).isGreaterThan(grpc.upBytesPerStep() + grpc.wire().upRowsPerStep());
            assertThat(local.wire()).isNull();
        }
    }

    /**
     * A decoder LM (preset tiny, not pretrained: the bits are what count) over gRPC: its token batches go over the wire
     * ({@code SequenceBatches}), and every user's parameters after the session equal the in-process session's.
     */
    @Test
    void aTransformerSessionOverGrpcEqualsTheInProcessSessionBitForBit() throws Exception {
        java.util.function.Supplier<cola4j.gl.app.workload.Workload> fresh =
                () -> cola4j.gl.app.workload.Workloads.create("decoder", "tiny", cola4j.tensor.DType.FLOAT64, 5);
        cola4j.gl.app.ftaas.WorkloadTenants w = new cola4j.gl.app.ftaas.WorkloadTenants(fresh.get(), fresh,
                cola4j.models.site.SiteSelector.suffixes("attn.query", "attn.value"), 8);
        SessionConfig cfg = new SessionConfig(3, 2, ColaMode.UNMERGED, TransferDtype.NATIVE, 3, 7, 2e-3);
        List<UserSpec> specs = FtaasFixtures.users(2, "lowrank~linear", 1);
        java.util.Map<Integer, java.util.LinkedHashMap<String, cola4j.tensor.Tensor>> net = new java.util.TreeMap<>();
        java.util.Map<Integer, RemoteUser.StepObserver> obs = new java.util.TreeMap<>();
        for (UserSpec s : specs) {
            obs.put(s.id(), (step, d) -> { synchronized (net) { net.put(s.id(), d.parameters()); } });
        }
        // the user side draws from its own generators, built from the family, preset and seed alone
        LoopbackSession.Result r = LoopbackSession.run(w,
                info -> cola4j.gl.app.ftaas.WorkloadTenants.userData(fresh.get()), specs, cfg, "decoder", List.of(),
                20_000, obs);
        assertThat(r.failures()).isEmpty();
        assertThat(r.host().users()).extracting(UserResult::status).containsOnly("finished");
        ColaSession<?> local = new ColaSession<>(w, specs, cfg, "cola");
        MethodResult lr = local.run(null);
        for (UserSpec s : specs) {
            java.util.LinkedHashMap<String, cola4j.tensor.Tensor> a = net.get(s.id()),
                    b = local.devices().get(s.id()).parameters();
            assertThat(a.keySet()).isEqualTo(b.keySet());
            a.forEach((n, t) -> assertThat(t.bitEquals(b.get(n))).as(s.id() + " " + n).isTrue());
            assertThat(NetHarness.of(r.host(), s.id()).value()).isEqualTo(lr.metrics().get("user-" + s.id()));
        }
    }
}

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
import org.junit.jupiter.api.Timeout;

/**
 * {@code cola ftaas --transport grpc}: the payload of the messages equals the analytic formula exactly and the
 * in-process session's bytes; the sockets carry that plus framing (and the training rows up); the users' final
 * metrics equal the in-process session's.
 */
@Timeout(120)
class GrpcSessionTest {
    @Test
    void payloadEqualsTheFormulaAndTheInProcessSessionAndTheWireAddsFraming() throws Exception {
        for (ColaMode mode : new ColaMode[] {ColaMode.UNMERGED, ColaMode.MERGED_AVERAGE}) {
            SessionConfig cfg = new SessionConfig(4, 4, mode, TransferDtype.NATIVE, 4, 7, 2e-3);
            List<UserSpec> specs = FtaasFixtures.users(3, "lowrank~linear", 1);
            MethodResult grpc = GrpcSession.run(NetHarness.W, specs, cfg, "cola", 20_000);
            MethodResult local = new ColaSession<>(NetHarness.W, specs, cfg, "cola").run(null);
            assertThat(grpc.errors()).isEmpty();
            assertThat(grpc.downPayloadPerStep()).isEqualTo(grpc.downBytesAnalytic()).isEqualTo(local.downPayloadPerStep());
            assertThat(grpc.upPayloadPerStep()).isEqualTo(grpc.upBytesAnalytic()).isEqualTo(local.upPayloadPerStep());
            assertThat(grpc.downBytesPerStep()).isEqualTo(local.downBytesPerStep());
            assertThat(grpc.metrics()).isEqualTo(local.metrics());
            assertThat(grpc.wire().transport()).isEqualTo("grpc");
            assertThat(grpc.wire().downBytesPerStep()).isGreaterThan(grpc.downBytesPerStep());
            assertThat(grpc.wire().upBytesPerStep()).isGreaterThan(grpc.upBytesPerStep() + grpc.wire().upRowsPerStep());
            assertThat(local.wire()).isNull();
        }
    }
}

package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.verify.PropositionResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** P9 on real Netty sockets (127.0.0.1, ephemeral ports): gRPC session == in-process session, bit for bit. */
class NetworkEquivalenceTest {
    @Test
    void grpcLoopbackEqualsInProcessBitForBitMergedAndUnmerged() throws Exception {
        List<PropositionResult> p9 = NetworkProposition.p9(cola4j.tensor.DType.FLOAT64, 0);
        assertThat(p9).hasSize(2);
        for (PropositionResult r : p9) {
            assertThat(r.setting()).contains("12 parameter snapshots");
            assertThat(r.maxAbs()).as(r.setting()).isZero();
            assertThat(r.pass()).isTrue();
        }
    }
}

package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.cola.ColaMode;
import org.junit.jupiter.api.Test;

/**
 * The server's checks of a user's spec at attach: the network bounds ({@code SessionLimits.NET_MAX_*}, the same as
 * {@code cola user}'s options) and the rank against the widest adapted site (the harness's mlp: 64 → 16 → 10,
 * so 16),
 * the same check as {@code cola train}'s and {@code cola ftaas}'s. A refused attach leaves the user free to attach.
 */
class AttachBoundsTest {
    @Test
    void aRankAboveTheWidestSiteIsRefusedAtAttachThenAFittingOneRuns() throws Exception {
        try (NetHarness h = new NetHarness(1, 8, ColaMode.UNMERGED, 20_000)) {
            var stub = FtaasGrpc.newBlockingStub(h.channel()).withCallCredentials(TokenAuth.credentials(
                    h.tokens.get(0)));
            assertThatThrownBy(() -> stub.attach(NetHarness.LOWRANK.toBuilder().setRank(17).build()))
                    .hasMessageContaining("INVALID_ARGUMENT")
                    .hasMessageContaining("--rank 17 exceeds min(d_in, d_out) = 16");
            assertThatThrownBy(() -> stub.attach(NetHarness.LOWRANK.toBuilder().setRank(65).build()))
                    .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("rank must be in 1..64");
            assertThatThrownBy(() -> stub.attach(NetHarness.LOWRANK.toBuilder().setLr(101).build()))
                    .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("lr must be finite, > 0 and <= 100");
            // the widest rank that fits is accepted and the session runs
            var u0 = h.user(0, NetHarness.LOWRANK.toBuilder().setRank(16).build());
            h.await();
            assertThat(NetHarness.done(u0)).isInstanceOf(UserResult.class);
        }
    }
}

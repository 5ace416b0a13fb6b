package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.DigitShift;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.memory.MemoryLedger;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TLS (netty-shaded): a certificate made in the test, the server started with it; a user trusting it finishes a
 * session, a user with the default trust store is refused at the handshake.
 */
class TlsTest {
    @Test
    void aSessionOverTlsWithATestCertificate() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        SessionConfig cfg = new SessionConfig(2, 4, ColaMode.UNMERGED, TransferDtype.NATIVE, 2, 7, 2e-3);
        SessionHost<VectorBatch> host = new SessionHost<>(NetHarness.W, new HostConfig("mlp", DigitShift.KINDS,
                cfg, 1, 11, 20_000, 30_000), new MemoryLedger());
        String token = Tokens.generate(new java.security.SecureRandom());
        Server server = NetServer.start(host, Map.of(token, 0), "127.0.0.1", 0,
                new NetServer.Tls(cert.certificate(), cert.privateKey()));
        ManagedChannel trusting = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(),
                TlsChannelCredentials.newBuilder().trustManager(cert.certificate()).build())
                        .overrideAuthority("localhost").build();
        ManagedChannel untrusting = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(),
                TlsChannelCredentials.create()).overrideAuthority("localhost").build();
        try {
            CompletableFuture<HostOutcome> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return host.run();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                FtaasGrpc.newBlockingStub(untrusting).withCallCredentials(TokenAuth.credentials(token))
                        .withDeadlineAfter(20, TimeUnit.SECONDS).attach(NetHarness.LOWRANK);
                throw new AssertionError("a client that does not trust the certificate got through");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode().toString()).isEqualTo("UNAVAILABLE");
            }
            UserResult r = new RemoteUser<VectorBatch>(trusting, TokenAuth.credentials(token), NetHarness.LOWRANK,
                    info -> NetHarness.W.data()).run(null);
            assertThat(r.status()).isEqualTo("finished");
            assertThat(r.served()).isEqualTo(2);
            assertThat(run.get(60, TimeUnit.SECONDS).users()).hasSize(1);
        } finally {
            trusting.shutdownNow();
            untrusting.shutdownNow();
            server.shutdownNow();
            cert.delete();
        }
    }
}

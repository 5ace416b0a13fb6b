package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.ftaas.grpc.proto.AttachReply;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity comes from the token alone (in-process gRPC server); tokens are 256-bit, 0600, strictly read. */
class TokenAuthTest {
    private static final String A = "a".repeat(64), B = "b".repeat(64);
    private Server server;
    private ManagedChannel channel;
    private int serviceCalls;

    /** Answers attach with the caller's id as the interceptor set it (the request names nobody). */
    private final class Echo extends FtaasGrpc.FtaasImplBase {
        @Override
        public void attach(AttachRequest r, StreamObserver<AttachReply> reply) {
            serviceCalls++;
            reply.onNext(AttachReply.newBuilder().setUserId(TokenAuth.USER.get()).build());
            reply.onCompleted();
        }
    }

    @BeforeEach
    void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new Echo(), new TokenAuth(Map.of(A, 0, B, 1))))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private int attachAs(String token) {
        FtaasGrpc.FtaasBlockingStub s = FtaasGrpc.newBlockingStub(channel);
        if (token != null) s = s.withCallCredentials(TokenAuth.credentials(token));
        return s.attach(AttachRequest.getDefaultInstance()).getUserId();
    }

    @Test
    void theTokenAloneDecidesWhoTheCallerIs() {
        assertThat(attachAs(A)).isZero();
        assertThat(attachAs(B)).isEqualTo(1);
        assertThat(serviceCalls).isEqualTo(2);
    }

    @Test
    void missingWrongOrMangledTokensAreUnauthenticatedBeforeAnyServiceCode() {
        for (String t : new String[] {null, "c".repeat(64), A.substring(1), A + "0", A.toUpperCase(), ""}) {
            assertThatThrownBy(() -> attachAs(t)).isInstanceOf(StatusRuntimeException.class)
                    .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(serviceCalls).isZero();
        assertThat(new TokenAuth(Map.of(A, 0)).authenticate("Basic " + A)).isNull();
        assertThat(new TokenAuth(Map.of(A, 0)).authenticate("Bearer " + A)).isZero();
    }

    @Test
    void tokenFilesAreFreshSecretsReadableOnlyByTheOwner(@TempDir Path dir) throws IOException {
        Map<String, Integer> tokens = Tokens.writeAll(dir.resolve("t"), 3);
        assertThat(tokens).hasSize(3).containsValues(0, 1, 2);
        for (int u = 0; u < 3; u++) {
            Path f = dir.resolve("t/user-" + u + ".token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            assertThat(tokens.get(Tokens.read(f))).isEqualTo(u);
        }
        assertThat(Tokens.writeAll(dir.resolve("u"), 3).keySet()).doesNotContainAnyElementsOf(tokens.keySet());
        try (var s = Files.list(dir.resolve("t"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("user-0.token",
                    "user-1.token", "user-2.token");
        }
        Path bad = dir.resolve("bad.token");
        Files.writeString(bad, "not a token\n");
        assertThatThrownBy(() -> Tokens.read(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("64 hex digits");
        Files.write(bad, new byte[4096]);
        assertThatThrownBy(() -> Tokens.read(bad)).hasMessageContaining("too large");
        assertThatThrownBy(() -> Tokens.read(dir.resolve("none"))).hasMessageContaining("does not exist");
    }
}

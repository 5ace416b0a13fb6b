package cola4j.gl.app.ftaas.grpc;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the gRPC server of a {@link SessionHost} on Netty: the {@link TokenAuth} interceptor in front of the
 * service, the inbound message limit from the session's shapes, plaintext or TLS (certificate chain and private
 * key files, PEM).
 */
public final class NetServer {
    private NetServer() {}

    /** TLS files (PEM), or null for plaintext. */
    public record Tls(File certChain, File privateKey) {}

    public static Server start(SessionHost<?> host, Map<String, Integer> tokens, String bind, int port, Tls tls)
            throws IOException {
        InetSocketAddress addr = new InetSocketAddress(bind, port);
        NettyServerBuilder b;
        if (tls == null) {
            b = NettyServerBuilder.forAddress(addr);
        } else {
            ServerCredentials creds = TlsServerCredentials.create(tls.certChain(), tls.privateKey());
            b = NettyServerBuilder.forAddress(addr, creds);
        }
        return b.maxInboundMessageSize(host.maxMessageBytes())
                .maxInboundMetadataSize(8 << 10)
                .permitKeepAliveTime(1, TimeUnit.SECONDS)
                .addService(ServerInterceptors.intercept(new FtaasService(host), new TokenAuth(tokens)))
                .build()
                .start();
    }
}

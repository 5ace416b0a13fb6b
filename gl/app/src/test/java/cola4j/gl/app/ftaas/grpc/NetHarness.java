package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.FtaasFixtures;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.DigitShift;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.memory.MemoryLedger;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real server on 127.0.0.1 (ephemeral port) with K tokens, its session loop in a thread; channels to it. */
final class NetHarness implements AutoCloseable {
    static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT32);
    static final AttachRequest LOWRANK = AttachRequest.newBuilder().setAux("lowrank").setRank(2).setMlpHidden(4)
            .setInterval(1).setOptimizer("adamw").setLr(0.01).build();

    /** This session's workload: the shared pretrained base, its own users' data (tasks may be chosen per session). */
    final DigitsTenants w = new DigitsTenants(W.base(), FtaasFixtures.family());
    final SessionHost<VectorBatch> host;
    final Server server;
    final List<String> tokens = new ArrayList<>();
    final CompletableFuture<HostOutcome> outcome;
    private final List<ManagedChannel> channels = new ArrayList<>();

    NetHarness(int users, int steps, ColaMode mode, long stepTimeoutMs) throws Exception {
        SessionConfig cfg = new SessionConfig(steps, 4, mode, TransferDtype.NATIVE, steps, 7, 2e-3);
        host = new SessionHost<>(w,
                new HostConfig("mlp", DigitShift.KINDS, cfg, users, 11, stepTimeoutMs, 30_000),
                new MemoryLedger());
        Map<String, Integer> byToken = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            String t = Tokens.generate(new java.security.SecureRandom());
            tokens.add(t);
            byToken.put(t, u);
        }
        server = NetServer.start(host, byToken, "127.0.0.1", 0, null);
        outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return host.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    ManagedChannel channel() {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        channels.add(ch);
        return ch;
    }

    /** A legitimate user of the digits data, run in a thread; its result (or failure message) when done. */
    CompletableFuture<Object> user(int u, AttachRequest request) {
        return user(u, request, null);
    }

    /** As {@link #user(int, AttachRequest)}, with an observer called after each of the user's steps. */
    CompletableFuture<Object> user(int u, AttachRequest request, RemoteUser.StepObserver observer) {
        RemoteUser<VectorBatch> user = new RemoteUser<>(channel(), TokenAuth.credentials(tokens.get(u)), request,
                info -> w.data());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return user.run(observer);
            } catch (RemoteUser.Failure e) {
                return e.getMessage();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    HostOutcome await() throws Exception {
        return outcome.get(120, TimeUnit.SECONDS);
    }

    /** A user's outcome; every wait in these tests is bounded (a hang fails instead of blocking the build). */
    static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(180, TimeUnit.SECONDS);
    }

    /** The next message a raw client received, or an AssertionError after 120 s. */
    static Object next(java.util.concurrent.BlockingQueue<Object> in) throws InterruptedException {
        Object o = in.poll(120, TimeUnit.SECONDS);
        if (o == null) throw new AssertionError("no message from the server within 120 s");
        return o;
    }

    static UserResult of(HostOutcome o, int user) {
        return o.users().stream().filter(r -> r.user() == user).findFirst().orElseThrow();
    }

    @Override
    public void close() throws Exception {
        for (ManagedChannel ch : channels) ch.shutdownNow();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}

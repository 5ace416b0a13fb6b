package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LocalUserDevice;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantData;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.tensor.memory.MemoryLedger;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A networked session inside one JVM over real loopback sockets: a {@link SessionHost} on 127.0.0.1 (an ephemeral
 * port), a {@link ByteCountingProxy} in front of it, and one {@link RemoteUser} thread per user, each with its own
 * channel and token. What {@code cola ftaas --transport grpc}, P9, the tests and {@code cola bench serve} run.
 */
public final class LoopbackSession {
    private LoopbackSession() {}

    /**
     * @param host    the server's outcome (results, step times, payload bytes)
     * @param devices every user's device after the session (its auxiliaries and optimizer)
     * @param failures users whose process side failed, and why (empty normally)
     * @param wireUp   bytes users → server on the sockets, HTTP/2 and gRPC framing included
     * @param wireDown bytes server → users on the sockets
     * @param ledger   the server's and the users' memory (devices server, user-k)
     * @param passNanos the server's forward/backward time
     * @param uploadsSent uploads the users sent during the steps (compare {@link HostOutcome#uploadsApplied})
     */
    public record Result(HostOutcome host, Map<Integer, LocalUserDevice> devices, Map<Integer, String> failures,
                         long wireUp, long wireDown, MemoryLedger ledger, long passNanos, long uploadsSent) {}

    /**
     * Runs {@code specs} (ids 0..K-1; seeds base + id as {@code UserPattern} makes them) against a host of
     * {@code workload}. {@code observers} (may be empty) see a user's device after each of its steps.
     */
    public static <B> Result run(TenantWorkload<B> workload, Function<SessionInfo, TenantData<B>> data,
                                 List<UserSpec> specs, SessionConfig cfg, String model, List<String> kinds,
                                 long stepTimeoutMs, Map<Integer, RemoteUser.StepObserver> observers)
            throws IOException, InterruptedException {
        return run(workload, data, specs, cfg, model, kinds, stepTimeoutMs, observers, null);
    }

    /** As above; {@code knowledge} (or null) records what the server and every user decode. */
    public static <B> Result run(TenantWorkload<B> workload, Function<SessionInfo, TenantData<B>> data,
                                 List<UserSpec> specs, SessionConfig cfg, String model, List<String> kinds,
                                 long stepTimeoutMs, Map<Integer, RemoteUser.StepObserver> observers,
                                 KnowledgeLedger knowledge) throws IOException, InterruptedException {
        long auxSeed = specs.get(0).seed() - specs.get(0).id();
        for (int i = 0; i < specs.size(); i++) {
            UserSpec s = specs.get(i);
            if (s.id() != i || s.seed() != auxSeed + i) {
                throw new IllegalArgumentException("specs must be users 0..K-1 with seeds base + id");
            }
        }
        MemoryLedger ledger = new MemoryLedger();
        SessionHost<B> host = new SessionHost<>(workload,
                new HostConfig(model, kinds, cfg, specs.size(), auxSeed, stepTimeoutMs, 60_000), ledger)
                .knowledge(knowledge);
        Map<String, Integer> tokens = new LinkedHashMap<>();
        List<String> byUser = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (UserSpec s : specs) {
            String t = Tokens.generate(random);
            tokens.put(t, s.id());
            byUser.add(t);
        }
        Server server = NetServer.start(host, tokens, "127.0.0.1", 0, null);
        Map<Integer, LocalUserDevice> devices = new TreeMap<>();
        Map<Integer, String> failures = new TreeMap<>();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        List<ManagedChannel> channels = new ArrayList<>();
        try (ByteCountingProxy proxy = new ByteCountingProxy(new InetSocketAddress("127.0.0.1", server.getPort()))) {
            for (UserSpec s : specs) {
                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext()
                        .maxInboundMessageSize(512 << 20).build();
                channels.add(ch);
                RemoteUser<B> user = new RemoteUser<>(ch, TokenAuth.credentials(byUser.get(s.id())), request(s), data)
                        .ledger(ledger).knowledge(knowledge);
                Thread t = new Thread(() -> {
                    try {
                        user.run(observers.get(s.id()));
                    } catch (RemoteUser.Failure e) {
                        synchronized (failures) { failures.put(s.id(), e.getMessage()); }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        synchronized (devices) { if (user.device() != null) devices.put(s.id(), user.device()); }
                        sent.addAndGet(user.uploadsSent());
                    }
                }, "user-" + s.id());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            HostOutcome outcome = host.run();
            for (Thread t : threads) t.join(60_000);
            proxy.awaitQuiet(100);
            return new Result(outcome, devices, failures, proxy.upBytes(), proxy.downBytes(), ledger,
                    host.server().passNanos(), sent.get());
        } finally {
            for (ManagedChannel ch : channels) ch.shutdownNow();
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The attach request of a spec (its id and seed are the server's to assign). */
    public static AttachRequest request(UserSpec s) {
        return AttachRequest.newBuilder().setAux(s.auxType().cliName()).setRank(s.rank()).setMlpHidden(s.mlpHidden())
                .setInterval(s.interval()).setOptimizer(s.optimizer().cliName()).setLr(s.lr()).build();
    }
}

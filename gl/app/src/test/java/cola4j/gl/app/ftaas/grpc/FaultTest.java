package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.ftaas.LocalUserDevice;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.app.ftaas.grpc.proto.LeaveRequest;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.Tensor;
import io.grpc.ManagedChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A user process killed mid-session (its channel dropped after step 2) never stalls the others: they finish every
 * step, and their parameters equal, bit for bit, those of a session where that user called Leave at the same step.
 */
class FaultTest {
    private static final int STEPS = 5, AT = 2;

    private Map<Integer, LinkedHashMap<String, Tensor>> session(boolean kill, ColaMode mode) throws Exception {
        try (NetHarness h = new NetHarness(3, STEPS, mode, 20_000)) {
            Map<Integer, CompletableFuture<Object>> users = new TreeMap<>();
            Map<Integer, LocalUserDevice> devices = new TreeMap<>();
            for (int u = 0; u < 3; u++) {
                int id = u;
                ManagedChannel ch = h.channel();
                RemoteUser<VectorBatch> user = new RemoteUser<>(ch, TokenAuth.credentials(h.tokens.get(u)),
                        NetHarness.LOWRANK, info -> h.w.data());
                RemoteUser.StepObserver obs = (step, d) -> {
                    if (id != 2 || step != AT) return;
                    if (kill) ch.shutdownNow();
                    else FtaasGrpc.newBlockingStub(ch).withCallCredentials(TokenAuth.credentials(h.tokens.get(2)))
                            .leave(LeaveRequest.getDefaultInstance());
                };
                users.put(u, CompletableFuture.supplyAsync(() -> {
                    try {
                        return user.run(obs);
                    } catch (RemoteUser.Failure e) {
                        return e.getMessage();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        synchronized (devices) { devices.put(id, user.device()); }
                    }
                }));
            }
            HostOutcome o = h.await();
            for (int u = 0; u < 2; u++) {
                UserResult r = NetHarness.of(o, u);
                assertThat(r.status()).isEqualTo("finished");
                assertThat(r.served()).isEqualTo(STEPS);
                assertThat(NetHarness.done(users.get(u))).isInstanceOf(UserResult.class);
            }
            UserResult gone = NetHarness.of(o, 2);
            assertThat(gone.served()).isEqualTo(AT + 1);
            assertThat(gone.status()).isEqualTo(kill ? "disconnected" : "left");
            assertThat(NetHarness.done(users.get(2))).isInstanceOf(kill ? String.class : UserResult.class);
            Map<Integer, LinkedHashMap<String, Tensor>> params = new TreeMap<>();
            for (int u = 0; u < 2; u++) params.put(u, devices.get(u).parameters());
            return params;
        }
    }

    @Test
    void aKilledUserNeverStallsTheOthersWhoEndAsIfItHadLeft() throws Exception {
        for (ColaMode mode : new ColaMode[] {ColaMode.UNMERGED, ColaMode.MERGED}) {
            Map<Integer, LinkedHashMap<String, Tensor>> killed = session(true, mode), left = session(false, mode);
            for (int u = 0; u < 2; u++) {
                for (String n : killed.get(u).keySet()) {
                    assertThat(killed.get(u).get(n).bitEquals(left.get(u).get(n)))
                            .as(mode + " user " + u + " " + n).isTrue();
                }
            }
        }
    }

    @Test
    void aUserWhoseConnectionDroppedReattachesWithItsTokenAndContinues() throws Exception {
        try (NetHarness h = new NetHarness(2, 30, ColaMode.UNMERGED, 20_000)) {
            // user 0 waits 20 ms per step so that the session is still running when user 1 is back
            ManagedChannel c0 = h.channel();
            RemoteUser<VectorBatch> slow = new RemoteUser<>(c0, TokenAuth.credentials(h.tokens.get(0)),
                    NetHarness.LOWRANK, info -> h.w.data());
            CompletableFuture<UserResult> u0 = CompletableFuture.supplyAsync(() -> {
                try {
                    return slow.run((step, d) -> { try { Thread.sleep(20); } catch (InterruptedException e) { } });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ManagedChannel first = h.channel();
            RemoteUser<VectorBatch> u1 = new RemoteUser<>(first, TokenAuth.credentials(h.tokens.get(1)),
                    NetHarness.LOWRANK, info -> h.w.data());
            Object dropped;
            try {
                dropped = u1.run((step, d) -> { if (step == 2) first.shutdownNow(); });
            } catch (RemoteUser.Failure e) {
                dropped = e.getMessage();
            }
            assertThat(dropped).isInstanceOf(String.class);
            UserResult r = u1.reconnect(h.channel()).run(null);
            assertThat(u1.info().startStep()).isGreaterThan(2);
            HostOutcome o = h.await();
            assertThat(r.status()).isEqualTo("finished");
            assertThat(r.served()).isGreaterThan(3).isLessThan(30);
            assertThat(r.value()).isNotNull();
            assertThat(NetHarness.of(o, 0).served()).isEqualTo(30);
            assertThat(NetHarness.done(u0).status()).isEqualTo("finished");
        }
    }

    @Test
    void aServerThatStopsEndsItsUsersWithAClearMessage() throws Exception {
        NetHarness h = new NetHarness(1, 50, ColaMode.UNMERGED, 20_000);
        ManagedChannel ch = h.channel();
        RemoteUser<VectorBatch> u = new RemoteUser<>(ch, TokenAuth.credentials(h.tokens.get(0)), NetHarness.LOWRANK,
                info -> h.w.data());
        try {
            u.run((step, d) -> { if (step == 1) h.server.shutdownNow(); });
            throw new AssertionError("the user went on after the server stopped");
        } catch (RemoteUser.Failure e) {
            assertThat(e.getMessage()).startsWith("server gone: ");
            assertThat(e.getMessage()).doesNotContain("\n");
        } finally {
            h.outcome.cancel(true);
            h.close();
        }
    }
}

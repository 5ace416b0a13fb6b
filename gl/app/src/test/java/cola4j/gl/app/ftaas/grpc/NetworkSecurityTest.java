package cola4j.gl.app.ftaas.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.ftaas.WireFormat;
import cola4j.gl.app.ftaas.grpc.proto.AttachReply;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.gl.cola.ColaMode;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks on a real server (Netty, 127.0.0.1): user 1 holds a valid token but sends hostile messages; it is stopped
 * (or cut off) alone, with the reason, while user 0 is served every step and finishes. Wrong tokens are refused, and
 * a token only ever acts as its own user.
 */
class NetworkSecurityTest {
    private static final int STEPS = 3;

    /** The attacker's first message, given what the server told it at attach. */
    static Stream<Arguments> attacks() {
        Function<SessionInfo, UserStep> garbage = i -> UserStep.newBuilder().setStep(0)
                .setBatch(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9})).build();
        Function<SessionInfo, UserStep> badLabel = i -> step0(batch(99, 0.5), null);
        Function<SessionInfo, UserStep> nanPixel = i -> step0(batch(3, Double.NaN), null);
        Function<SessionInfo, UserStep> float64Upload = i -> step0(batch(3, 0.5), params(i, DType.FLOAT64, 0.1));
        Function<SessionInfo, UserStep> infUpload = i -> step0(batch(3, 0.5),
                params(i, DType.FLOAT32, Double.POSITIVE_INFINITY));
        Function<SessionInfo, UserStep> hugeFloat64 = i -> step0(batch(3, 0.5), params(i, DType.FLOAT64, 1e300));
        Function<SessionInfo, UserStep> wrongNames = i -> {
            LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
            m.put("head/lora_A.weight", Tensor.zeros(DType.FLOAT32, 2, 16));
            return step0(batch(3, 0.5), WireFormat.encodeUp(1, m));
        };
        Function<SessionInfo, UserStep> ahead = i -> UserStep.newBuilder().setStep(2).build();
        Function<SessionInfo, UserStep> tooManyRows = i -> step0(batch(3, 0.5, 400), null);
        return Stream.of(Arguments.of("garbage batch", garbage, "failed to decode"),
                Arguments.of("label out of range", badLabel, "label 99.0"),
                Arguments.of("NaN pixel", nanPixel, "non-finite input"),
                Arguments.of("float64 upload to a float32 server", float64Upload, "the server's dtype is float32"),
                Arguments.of("Inf upload", infUpload, "non-finite"),
                Arguments.of("1e300 as float64 (Inf once converted)", hugeFloat64, "the server's dtype is float32"),
                Arguments.of("unknown parameter names", wrongNames, "expected"),
                Arguments.of("a step ahead of the server", ahead, "while the server is at step 0"),
                Arguments.of("more rows than the session's", tooManyRows, "400 rows, expected 1..4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void aHostileUserIsStoppedAloneAndTheOtherIsServedEveryStep(String what, Function<SessionInfo, UserStep> attack,
                                                               String reason) throws Exception {
        try (NetHarness h = new NetHarness(2, STEPS, ColaMode.UNMERGED, 20_000)) {
            var legit = h.user(0, NetHarness.LOWRANK);
            ManagedChannel ch = h.channel();
            AttachReply a = FtaasGrpc.newBlockingStub(ch).withCallCredentials(TokenAuth.credentials(h.tokens.get(1)))
                    .attach(NetHarness.LOWRANK);
            assertThat(a.getUserId()).as("the token decides the id").isEqualTo(1);
            SessionInfo info = Json.read(a.getSessionJson(), SessionInfo.class);
            LinkedBlockingQueue<Object> in = new LinkedBlockingQueue<>();
            StreamObserver<UserStep> out = FtaasGrpc.newStub(ch)
                    .withCallCredentials(TokenAuth.credentials(h.tokens.get(1))).step(collector(in));
            out.onNext(attack.apply(info));
            HostOutcome o = h.await();
            UserResult good = NetHarness.of(o, 0), bad = NetHarness.of(o, 1);
            assertThat(good.status()).isEqualTo("finished");
            assertThat(good.served()).isEqualTo(STEPS);
            assertThat(good.value()).isNotNull();
            assertThat(NetHarness.done(legit)).isInstanceOf(UserResult.class);
            assertThat(bad.status()).isEqualTo("stopped");
            assertThat(bad.served()).isZero();
            assertThat(bad.reason()).contains(reason);
            Object last = NetHarness.next(in);
            assertThat(last).isInstanceOf(ServerStep.class);
            assertThat(((ServerStep) last).getResultJson()).contains("stopped");
        }
    }

    @Test
    void anOversizedMessageCutsOnlyItsSenderOff() throws Exception {
        try (NetHarness h = new NetHarness(2, STEPS, ColaMode.UNMERGED, 20_000)) {
            var legit = h.user(0, NetHarness.LOWRANK);
            ManagedChannel ch = h.channel();
            FtaasGrpc.newBlockingStub(ch).withCallCredentials(TokenAuth.credentials(h.tokens.get(1)))
                    .attach(NetHarness.LOWRANK);
            LinkedBlockingQueue<Object> in = new LinkedBlockingQueue<>();
            StreamObserver<UserStep> out = FtaasGrpc.newStub(ch)
                    .withCallCredentials(TokenAuth.credentials(h.tokens.get(1))).step(collector(in));
            out.onNext(UserStep.newBuilder().setStep(0)
                    .setBatch(ByteString.copyFrom(new byte[h.host.maxMessageBytes() + 1])).build());
            Object first = NetHarness.next(in);
            assertThat(first).isInstanceOf(Throwable.class);
            assertThat(Status.fromThrowable((Throwable) first).getCode())
                    .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
            HostOutcome o = h.await();
            assertThat(NetHarness.of(o, 0).served()).isEqualTo(STEPS);
            assertThat(NetHarness.done(legit)).isInstanceOf(UserResult.class);
            assertThat(NetHarness.of(o, 1).status()).isNotEqualTo("finished");
        }
    }

    @Test
    void wrongTokensAreRefusedAndATokenOnlyEverActsAsItsOwnUser() throws Exception {
        try (NetHarness h = new NetHarness(2, STEPS, ColaMode.UNMERGED, 20_000)) {
            ManagedChannel ch = h.channel();
            assertThatThrownBy(() -> FtaasGrpc.newBlockingStub(ch)
                            .withCallCredentials(TokenAuth.credentials("0".repeat(64))).attach(NetHarness.LOWRANK))
                    .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
            assertThatThrownBy(() -> FtaasGrpc.newBlockingStub(ch).attach(NetHarness.LOWRANK))
                    .hasMessageContaining("UNAUTHENTICATED");
            var u0 = h.user(0, NetHarness.LOWRANK);
            var u1 = h.user(1, NetHarness.LOWRANK);
            HostOutcome o = h.await();
            assertThat(NetHarness.done(u0)).isInstanceOf(UserResult.class);
            assertThat(((UserResult) NetHarness.done(u0)).user()).isZero();
            assertThat(((UserResult) NetHarness.done(u1)).user()).isEqualTo(1);
            assertThat(o.users()).extracting(UserResult::status).containsOnly("finished");
        }
    }

    @Test
    void aSecondAttachWithAnAttachedUsersTokenIsRefused() throws Exception {
        try (NetHarness h = new NetHarness(1, 40, ColaMode.UNMERGED, 20_000)) {
            // a user that has taken a step is registered: wait for its first step (a bounded future, no clock)
            CompletableFuture<Integer> firstStep = new CompletableFuture<>();
            var u0 = h.user(0, NetHarness.LOWRANK, (step, device) -> firstStep.complete(step));
            NetHarness.done(firstStep);
            assertThat(h.host.peer(0).registered).isTrue();
            assertThatThrownBy(() -> FtaasGrpc.newBlockingStub(h.channel())
                            .withCallCredentials(TokenAuth.credentials(h.tokens.get(0))).attach(NetHarness.LOWRANK))
                    .hasMessageContaining("FAILED_PRECONDITION").hasMessageContaining("attached already");
            h.await();
            assertThat(NetHarness.done(u0)).isInstanceOf(UserResult.class);
        }
    }

    @Test
    void aUserMayChooseItsTaskAmongTheSessionsButNoOther() throws Exception {
        try (NetHarness h = new NetHarness(2, STEPS, ColaMode.UNMERGED, 20_000)) {
            assertThatThrownBy(() -> FtaasGrpc.newBlockingStub(h.channel()).withCallCredentials(TokenAuth.credentials(
                            h.tokens.get(1))).attach(NetHarness.LOWRANK.toBuilder().setTask("chess").build()))
                    .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("task 'chess' is not one of");
            var u0 = h.user(0, NetHarness.LOWRANK.toBuilder().setTask("invert").build());
            var u1 = h.user(1, NetHarness.LOWRANK);
            HostOutcome o = h.await();
            assertThat(NetHarness.done(u0)).as("user 0").isInstanceOf(UserResult.class);
            assertThat(NetHarness.done(u1)).as("user 1").isInstanceOf(UserResult.class);
            assertThat(((UserResult) NetHarness.done(u0)).task()).isEqualTo("invert");
            assertThat(((UserResult) NetHarness.done(u1)).task()).isEqualTo(h.w.taskName(1));
            assertThat(o.users()).extracting(UserResult::status).containsOnly("finished");
        }
    }

    static StreamObserver<ServerStep> collector(LinkedBlockingQueue<Object> in) {
        return new StreamObserver<>() {
            @Override public void onNext(ServerStep m) { in.add(m); }
            @Override public void onError(Throwable t) { in.add(t); }
            @Override public void onCompleted() { in.add("end"); }
        };
    }

    static UserStep step0(byte[] batch, byte[] upload) {
        UserStep.Builder b = UserStep.newBuilder().setStep(0).setBatch(ByteString.copyFrom(batch));
        if (upload != null) b.setUpload(ByteString.copyFrom(upload));
        return b.build();
    }

    static byte[] batch(double label, double pixel) {
        return batch(label, pixel, 4);
    }

    static byte[] batch(double label, double pixel, int rows) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        Tensor x = new Rng(1).uniform(DType.FLOAT64, 0, 1, rows, 64);
        x.setFlat(5, pixel);
        Tensor y = Tensor.zeros(DType.FLOAT64, rows);
        y.setFlat(0, label);
        m.put("x", x);
        m.put("y", y);
        return WireFormat.encode("batch", m);
    }

    /** The attacker's real parameter names and shapes, in {@code dtype}, every value {@code v}. */
    static byte[] params(SessionInfo info, DType dtype, double v) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        cola4j.gl.UserFit.parameters(info.spec().auxiliariesAt(info.sites(), DType.FLOAT32)).forEach((n, p) -> {
            Tensor t = Tensor.zeros(dtype, p.shape());
            for (int i = 0; i < t.numel(); i++) t.setFlat(i, v);
            m.put(n, t);
        });
        return WireFormat.encodeUp(info.userId(), m);
    }
}

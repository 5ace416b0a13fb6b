package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.grpc.proto.AttachReply;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.app.ftaas.grpc.proto.LeaveReply;
import cola4j.gl.app.ftaas.grpc.proto.LeaveRequest;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC face of a {@link SessionHost}. The caller's identity is {@link TokenAuth#USER} (set by the interceptor
 * from the token); nothing in a message names a user. Attach checks the requested spec against the bounds below
 * before anything is allocated; Step hands messages to the user's {@link Peer}; Leave marks the user as leaving.
 */
final class FtaasService extends FtaasGrpc.FtaasImplBase {
    /** Bounds of a user's spec over the network (so that no request can ask for a huge auxiliary). */
    static final int MAX_RANK = SessionLimits.NET_MAX_RANK, MAX_MLP_HIDDEN = SessionLimits.NET_MAX_MLP_HIDDEN,
            MAX_INTERVAL = SessionLimits.NET_MAX_INTERVAL;

    private final SessionHost<?> host;

    FtaasService(SessionHost<?> host) {
        this.host = host;
    }

    @Override
    public void attach(AttachRequest r, StreamObserver<AttachReply> reply) {
        int user = TokenAuth.USER.get();
        try {
            if (r.getRank() < 1 || r.getRank() > MAX_RANK || r.getMlpHidden() < 1 || r.getMlpHidden() > MAX_MLP_HIDDEN
                    || r.getInterval() < 1 || r.getInterval() > MAX_INTERVAL) {
                throw new IllegalArgumentException("rank must be in 1.." + MAX_RANK + ", mlp_hidden in 1.."
                        + MAX_MLP_HIDDEN + ", interval in 1.." + MAX_INTERVAL);
            }
            if (!(r.getLr() > 0) || !Double.isFinite(r.getLr()) || r.getLr() > SessionLimits.NET_MAX_LR) {
                throw new IllegalArgumentException("lr must be finite, > 0 and <= " + SessionLimits.NET_MAX_LR);
            }
            if (AuxiliaryKind.parseUserChoice(r.getAux()) == AuxiliaryKind.LOWRANK) {
                int widest = host.shapes().stream().mapToInt(s -> Math.min(s.in(), s.out())).max().orElse(0);
                String tooWide = SessionLimits.rankProblem(r.getRank(), widest, "the served model");
                if (tooWide != null) throw new IllegalArgumentException(tooWide);
            }
            UserSpec spec = new UserSpec(user, AuxiliaryKind.parseUserChoice(r.getAux()), r.getRank(), r.getMlpHidden(),
                    r.getInterval(), OptimizerKind.parse(r.getOptimizer()), r.getLr(), host.config().auxSeed() + user);
            SessionInfo info = host.attach(spec, r.getTask());
            reply.onNext(AttachReply.newBuilder().setUserId(user).setSessionJson(Json.write(info)).build());
            reply.onCompleted();
        } catch (IllegalArgumentException e) {
            reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (IllegalStateException | UnsupportedOperationException e) {
            reply.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public StreamObserver<UserStep> step(StreamObserver<ServerStep> out) {
        int user = TokenAuth.USER.get();
        Peer p = host.peer(user);
        if (p == null || host.over()) {
            String why = host.over() ? "the session is over" : "attach before the step stream";
            out.onError(Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException());
            return new StreamObserver<>() {
                @Override public void onNext(UserStep m) {}
                @Override public void onError(Throwable t) {}
                @Override public void onCompleted() {}
            };
        }
        p.open(out);
        return new StreamObserver<>() {
            @Override
            public void onNext(UserStep m) {
                p.offer(out, m);
            }

            @Override
            public void onError(Throwable t) {
                p.lost(out, "stream broke: " + Status.fromThrowable(t).getCode());
            }

            @Override
            public void onCompleted() {
                p.lost(out, "the user closed its stream");
            }
        };
    }

    @Override
    public void leave(LeaveRequest r, StreamObserver<LeaveReply> reply) {
        reply.onNext(LeaveReply.newBuilder().setRemoved(host.leave(TokenAuth.USER.get())).build());
        reply.onCompleted();
    }
}

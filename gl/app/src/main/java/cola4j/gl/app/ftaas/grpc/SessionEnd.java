package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.LocalServer;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.models.site.Site;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How a user's session with a {@link SessionHost} ends: its {@link UserResult} (whenever it leaves, is stopped or
 * finishes) and the final round after the last step, in which every registered user sends its final parameters and
 * the server evaluates the adapted model ({@link SessionSizes#evaluate}).
 *
 * @param <B> batch type
 */
final class SessionEnd<B> {
    private final TenantWorkload<B> workload;
    private final LocalServer<B> server;
    private final List<Site> sites;
    private final HostMessages<B> messages;

    SessionEnd(TenantWorkload<B> workload, LocalServer<B> server, List<Site> sites, HostMessages<B> messages) {
        this.workload = workload;
        this.server = server;
        this.sites = sites;
        this.messages = messages;
    }

    /** The user's result as it stands: {@code value} (or null), {@code reason} (or its stop reason). */
    UserResult result(Peer p, Double value, String reason) {
        String spec = p.spec == null ? "-" : p.spec.describe();
        return new UserResult(p.id, workload.taskName(p.id), spec, workload.metricName(), value, p.served, p.skipped,
                p.status, reason != null ? reason : p.stopReason, server.capped().get(p.id));
    }

    /**
     * After step {@code last − 1}: each peer's final parameters (awaited until {@code deadline}, System.nanoTime),
     * its metric, its result message on its stream; the results in peer order.
     */
    List<UserResult> finish(Collection<Peer> peers, long deadline, int last) throws InterruptedException {
        List<UserResult> results = new ArrayList<>();
        for (Peer p : peers) {
            Double value = null;
            String reason = null;
            if (!p.registered && !p.stopped && !p.left && p.gone() != null && p.status.equals("attached")) {
                p.status = "disconnected";   // its stream broke before it was ever served (e.g. an oversized message)
                p.stopReason = p.gone();
            }
            if (p.registered) {
                UserStep m;
                while ((m = p.next(deadline)) != null && m.getStep() < last) {
                    // late messages: the session is over
                }
                if (m == null) {
                    reason = "no final parameters within the step timeout";
                    p.status = "incomplete";
                } else {
                    try {
                        value = SessionSizes.evaluate(workload, sites, p.spec, messages.finalParameters(p, m));
                        p.status = "finished";
                    } catch (RuntimeException e) {
                        reason = "final parameters rejected: " + e.getMessage();
                        p.status = "stopped";
                    }
                }
            }
            UserResult r = result(p, value, reason);
            results.add(r);
            if (p.registered) {
                server.remove(p.id);
                p.registered = false;
            }
            // every open stream gets its result, also one that re-attached too late to be served again
            if (p.streaming()) p.finish(ServerStep.newBuilder().setStep(last).setResultJson(Json.write(r)).build());
        }
        return results;
    }
}

package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.AdaptationData;
import cola4j.gl.app.ftaas.AnalyticBytes;
import cola4j.gl.app.ftaas.LocalServer;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.SiteShape;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.memory.MemoryLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server of a networked ColA session: the one {@link LocalServer} (base model, passes, replicas, validation)
 * driven by the users' messages instead of in-process calls, in the order {@code ColaSession} uses, so that the same
 * users produce bit-identical parameters in either (P9). Step semantics (docs/ftaas-network.md):
 * <ol>
 *   <li>step s starts when the previous answers are sent; each registered user has {@code stepTimeoutMs} to send
 *       UserStep(s) (its rows, and its upload: parameters after a fit when unmerged, ΔW in merged modes);</li>
 *   <li>a user that misses the deadline is skipped at s: its rows are not served; when its late message arrives,
 *       its upload is still applied in unmerged mode (the server never serves stale parameters silently; in merged
 *       modes a late ΔW is stale and dropped, the next message carries a fresh one) and it is answered with a skip
 *       notice, after which it continues with the next step;</li>
 *   <li>a user whose stream breaks is removed at the next step (others go on); it may re-attach with its token and is
 *       registered again at the following step, sending its parameters first;</li>
 *   <li>any bad message (undecodable, wrong names or shapes, non-finite, wrong dtype, too large) stops that user
 *       alone, with the reason; after the last step each user sends its final parameters, the server evaluates the
 *       adapted model and answers with the user's {@link UserResult}.</li>
 * </ol>
 *
 * @param <B> batch type
 */
public final class SessionHost<B> {
    private final TenantWorkload<B> workload;
    private final HostConfig cfg;
    private final LocalServer<B> server;
    private final List<Site> sites;
    private final List<SiteShape> shapes;
    private final Map<Integer, Peer> peers = new TreeMap<>();
    private final int maxRows, maxMessageBytes;
    private volatile int step;
    private boolean started, over;
    private final HostMessages<B> messages;
    private final SessionEnd<B> end;

    /** Records every tensor the server decodes (training rows, uploads, final parameters) in {@code k}. */
    public SessionHost<B> knowledge(KnowledgeLedger k) {
        messages.knowledge(k);
        return this;
    }

    public SessionHost(TenantWorkload<B> workload, HostConfig cfg, MemoryLedger ledger) {
        this.workload = workload;
        this.cfg = cfg;
        this.server = new LocalServer<>(workload, cfg.session().mode(), ledger);
        this.sites = workload.adaptedSites(workload.base());
        this.shapes = SiteShape.of(sites);
        this.maxRows = cfg.session().rowsPerUser();
        this.maxMessageBytes = SessionSizes.maxMessageBytes(workload, shapes, maxRows);
        this.messages = new HostMessages<>(workload, server, maxRows, cfg.session().mode() == ColaMode.UNMERGED,
                cfg.session().transfer());
        this.end = new SessionEnd<>(workload, server, sites, messages);
    }

    public List<SiteShape> shapes() {
        return shapes;
    }

    public HostConfig config() {
        return cfg;
    }

    public LocalServer<B> server() {
        return server;
    }

    /** The largest message a user may send ({@link SessionSizes#maxMessageBytes}; computed once). */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Bytes of the base model's parameters. */
    public long baseBytes() {
        return AnalyticBytes.baseParameters(workload.base()) * workload.base().dtype().bytes;
    }

    /** Bytes of one user's adaptation data per step ({@link AnalyticBytes#adaptationDataBytes}). */
    public long adaptationBytesPerUser() {
        return AnalyticBytes.adaptationDataBytes(sites, maxRows, workload.positionsPerRow(), workload.base().dtype());
    }

    /** Attach (gRPC thread): the token's user joins with {@code spec}; the session info it gets back. */
    synchronized SessionInfo attach(UserSpec spec, String task) {
        if (over) throw new IllegalStateException("the session is over");
        Peer p = peers.computeIfAbsent(spec.id(), Peer::new);
        if (p.streaming() && p.registered) {
            throw new IllegalStateException("user " + spec.id() + " is attached already");
        }
        if (p.stopped || p.left) throw new IllegalStateException("user " + spec.id() + " has " + p.status);
        if (p.spec != null && !p.spec.equals(spec)) {
            throw new IllegalStateException("user " + spec.id() + " re-attached with another spec than "
                    + p.spec.describe());
        }
        server.requireServable(spec);   // refused at attach, not later at its first step
        if (!task.isEmpty()) workload.choose(spec.id(), task);
        p.spec = spec;
        SessionConfig s = cfg.session();
        return new SessionInfo(spec.id(), cfg.model(), cfg.kinds(), workload.taskName(spec.id()), s.mode().cliName(),
                s.steps(), s.rowsPerUser(), s.transfer().cliName(), workload.base().dtype(), s.dataSeed(spec.id()),
                shapes,
                spec.auxType(), spec.rank(), spec.mlpHidden(), spec.interval(), spec.optimizer(), spec.lr(),
                spec.seed(),
                started ? step + 1 : 0, cfg.stepTimeoutMs(), cfg.startTimeoutMs(), cfg.preset(), cfg.baseSeed());
    }

    /** True once the last step has run (no more attaches or streams). */
    synchronized boolean over() {
        return over;
    }

    /** The peer of an attached user (gRPC thread), or null. */
    synchronized Peer peer(int user) {
        Peer p = peers.get(user);
        return p == null || p.spec == null ? null : p;
    }

    /** Leave (gRPC thread): the user is removed at the next step. */
    synchronized boolean leave(int user) {
        Peer p = peers.get(user);
        if (p == null) return false;
        p.left = true;
        p.status = "left";
        return true;
    }

    /** Runs the session to its end; the calling thread is the session loop. */
    public HostOutcome run() throws InterruptedException {
        awaitStart();
        List<Double> millis = new ArrayList<>();
        for (int s = 0; s < cfg.session().steps(); s++) {
            long t0 = System.nanoTime();
            step = s;
            admit();
            Map<Integer, UserStep> in = collect(s);
            if (cfg.session().mode() == ColaMode.MERGED) {
                for (Map.Entry<Integer, UserStep> e : in.entrySet()) {
                    Peer p = peers.get(e.getKey());
                    if (guard(p, () -> { messages.submit(p, e.getValue()); messages.upload(p, e.getValue()); })) {
                        deliver(s, Map.of(p.id, e.getValue()));
                    }
                }
            } else {
                for (Map.Entry<Integer, UserStep> e : in.entrySet()) {
                    Peer p = peers.get(e.getKey());
                    guard(p, () -> { messages.upload(p, e.getValue()); messages.submit(p, e.getValue()); });
                }
                deliver(s, in);
            }
            millis.add((System.nanoTime() - t0) / 1e6);
        }
        synchronized (this) {
            step = cfg.session().steps();
            over = true;
        }
        // first: the final messages' uploads are counted there
        List<UserResult> results = end.finish(peers.values(), System.nanoTime() + cfg.stepTimeoutMs() * 1_000_000L,
                cfg.session().steps());
        return new HostOutcome(results, millis, messages.traffic(), messages.uploadsApplied());
    }

    private void awaitStart() throws InterruptedException {
        long deadline = System.nanoTime() + cfg.startTimeoutMs() * 1_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (peers.values().stream().filter(Peer::streaming).count() >= cfg.users()) break;
            }
            Thread.sleep(20);
        }
        synchronized (this) {
            if (peers.values().stream().noneMatch(Peer::streaming)) {
                throw new IllegalStateException("no user attached within " + cfg.startTimeoutMs() + " ms");
            }
            started = true;
        }
    }

    /** Registers (in id order) every user with an open stream that is not registered; drops lost and leaving ones. */
    private synchronized void admit() {
        for (Peer p : peers.values()) {
            if (p.registered && (p.gone() != null || p.left)) {
                server.remove(p.id);
                p.registered = false;
                if (!p.left && !p.stopped) {
                    p.status = "disconnected";
                    p.stopReason = p.gone();
                }
                if (p.left) {
                    p.finish(ServerStep.newBuilder().setStep(step)
                            .setResultJson(Json.write(result(p, null, null))).build());
                }
            } else if (!p.registered && !p.stopped && !p.left && p.streaming()) {
                server.register(p.spec);
                p.registered = true;
                p.status = "active";
                p.stopReason = null;   // back after a broken stream: the old reason no longer applies
            }
        }
    }

    /** Every registered user's message of step s, in id order; late messages of earlier steps are settled here. */
    private Map<Integer, UserStep> collect(int s) throws InterruptedException {
        long deadline = System.nanoTime() + cfg.stepTimeoutMs() * 1_000_000L;
        Map<Integer, UserStep> in = new TreeMap<>();
        for (Peer p : List.copyOf(peers.values())) {
            if (!p.registered || p.left) continue;   // a user that called Leave is removed at the next step
            UserStep m;
            while ((m = p.next(deadline)) != null && m.getStep() < s) {
                UserStep late = m;
                boolean unmerged = cfg.session().mode() == ColaMode.UNMERGED;   // a late ΔW is stale: dropped
                if (guard(p, () -> { if (unmerged) messages.upload(p, late); })) {
                    p.send(ServerStep.newBuilder().setStep(late.getStep()).setSkipped("missed the step timeout of "
                            + cfg.stepTimeoutMs() + " ms").build());
                }
                if (!p.registered) break;
            }
            if (!p.registered || p.left) continue;
            if (m == null) {
                p.skipped++;
            } else if (m.getStep() == s + 1) {
                p.pushBack(m);   // re-attached during step s: it starts at s + 1
                p.skipped++;
            } else if (m.getStep() > s) {
                stop(p, "sent step " + m.getStep() + " while the server is at step " + s);
            } else {
                in.put(p.id, m);
            }
        }
        return in;
    }

    /** One server step over the submitted users; each processed user gets its adaptation data. */
    private void deliver(int s, Map<Integer, UserStep> in) {
        if (in.keySet().stream().noneMatch(u -> peers.get(u).registered)) return;
        Map<Integer, List<AdaptationData>> out;
        try {
            out = server.step();
        } catch (RuntimeException e) {
            for (int u : in.keySet()) {
                if (peers.get(u).registered) stop(peers.get(u), "server step failed: " + e.getMessage());
            }
            return;
        }
        server.stoppedInLastStep().forEach((u, why) -> stop(peers.get(u), why));
        for (Map.Entry<Integer, List<AdaptationData>> e : out.entrySet()) {
            messages.send(peers.get(e.getKey()), s, e.getValue());
        }
    }

    private UserResult result(Peer p, Double value, String reason) {
        return end.result(p, value, reason);
    }

    /** Runs r; on failure stops the user alone (removed from the server, told why) and returns false. */
    private boolean guard(Peer p, Runnable r) {
        try {
            r.run();
            return true;
        } catch (RuntimeException e) {
            stop(p, e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
    }

    private void stop(Peer p, String why) {
        if (p.stopped) return;
        p.stopped = true;
        p.status = "stopped";
        p.stopReason = why;
        if (p.registered) server.remove(p.id);
        p.registered = false;
        p.finish(ServerStep.newBuilder().setStep(step).setResultJson(Json.write(result(p, null, why))).build());
    }
}

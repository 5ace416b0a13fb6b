package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LocalUserDevice;
import cola4j.gl.app.ftaas.TenantData;
import cola4j.gl.app.ftaas.WireFormat;
import cola4j.gl.app.ftaas.grpc.proto.AttachReply;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.gl.app.ftaas.grpc.proto.FtaasGrpc;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.gl.cola.ColaMode;
import cola4j.tensor.Rng;
import cola4j.tensor.memory.MemoryLedger;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A user device over the network ({@code cola user}): attaches with its token and spec, builds its auxiliaries from
 * the sites' shapes (it never sees the base model), draws its own rows, and per step sends rows and upload, receives
 * its adaptation data and fits by Gradient Learning ({@link LocalUserDevice}, the same code as in-process). After
 * the last step it sends its parameters and receives its result.
 *
 * @param <B> batch type
 */
public final class RemoteUser<B> {
    /** Sees the device after each step whose adaptation data it received (P9 compares parameters here). */
    public interface StepObserver {
        void after(int step, LocalUserDevice device);
    }

    /** A refusal or failure, as one line for the command line. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message);
        }
    }

    private static final Object END = new Object();

    private Channel channel;
    private final CallCredentials token;
    private final AttachRequest request;
    private final Function<SessionInfo, TenantData<B>> dataFor;
    private SessionInfo info;
    private LocalUserDevice device;
    private TenantData<B> data;
    private Rng rng;
    private boolean dirty = true;
    private long connectTimeoutMs = 30_000;
    private MemoryLedger ledger = new MemoryLedger();
    private KnowledgeLedger knowledge;
    private int skipped;
    private int uploadsSent;

    /**
     * @param channel a channel to the server
     * @param token   the user's secret ({@link TokenAuth#credentials}), presented on every call
     * @param request the user's choices
     * @param dataFor the user's own data source, from what the server says of the session
     */
    public RemoteUser(Channel channel, CallCredentials token, AttachRequest request,
                      Function<SessionInfo, TenantData<B>> dataFor) {
        this.channel = channel;
        this.token = token;
        this.request = request;
        this.dataFor = dataFor;
    }

    /**
     * Re-attach over {@code c} after the connection was lost: the next {@link #run} attaches again with the same
     * token, keeps this device (auxiliaries, optimizer state, data stream) and sends its parameters first.
     */
    public RemoteUser<B> reconnect(Channel c) {
        this.channel = c;
        return this;
    }

    /** Records every tensor this user decodes from the server's adaptation data in {@code k}. */
    public RemoteUser<B> knowledge(KnowledgeLedger k) {
        this.knowledge = k;
        return this;
    }

    /** Where the device's memory is tracked (default: a ledger of its own). */
    public RemoteUser<B> ledger(MemoryLedger l) {
        this.ledger = l;
        return this;
    }

    /** How long attach waits for the server to be reachable (default 30 s). */
    public RemoteUser<B> connectTimeout(long ms) {
        this.connectTimeoutMs = ms;
        return this;
    }

    public SessionInfo info() {
        return info;
    }

    public LocalUserDevice device() {
        return device;
    }

    /** Uploads (parameters or ΔW) this user sent during the steps (the final parameters not counted). */
    public int uploadsSent() {
        return uploadsSent;
    }

    /** Steps this user was skipped at (its message missed the step timeout). */
    public int skipped() {
        return skipped;
    }

    /** Attaches and takes part until the session ends; the result the server sent. */
    public UserResult run(StepObserver observer) throws Failure, InterruptedException {
        try {
            AttachReply reply = FtaasGrpc.newBlockingStub(channel).withCallCredentials(token).withWaitForReady()
                    .withDeadlineAfter(connectTimeoutMs, TimeUnit.MILLISECONDS).attach(request);
            info = Json.read(reply.getSessionJson(), SessionInfo.class);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                String d = String.valueOf(e.getStatus().getDescription());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Last Pick Failure=Status\\{code=(\\w+), "
                        + "description=([^,}\\n]*)").matcher(d);
                throw new Failure("no server reachable within " + connectTimeoutMs + " ms"
                        + (m.find() ? " (last connection error: " + m.group(1) + " " + m.group(2).strip() + ")" : ""));
            }
            throw new Failure("refused at attach: " + describe(e.getStatus()));
        } catch (IllegalArgumentException e) {
            throw new Failure("the server's session info is malformed: " + e.getMessage());
        }
        if (device == null) {
            device = new LocalUserDevice(info.spec(), info.dtype(), ledger, info.sites());
            data = dataFor.apply(info);
            rng = new Rng(info.dataSeed());
        }
        dirty = true;   // a (re-)attached user sends its parameters first
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        StreamObserver<UserStep> out = FtaasGrpc.newStub(channel).withCallCredentials(token)
                .step(new StreamObserver<>() {
            @Override public void onNext(ServerStep m) { inbox.add(m); }
            @Override public void onError(Throwable t) { inbox.add(t); }
            @Override public void onCompleted() { inbox.add(END); }
        });
        // the first answer waits for the start
        long waitMs = info.startTimeoutMs() + 2 * info.stepTimeoutMs() + 60_000;
        try {
            out.onNext(message(info.startStep()));
            while (true) {
                Object o = inbox.poll(waitMs, TimeUnit.MILLISECONDS);
                if (o == null) throw new Failure("no word from the server for " + waitMs + " ms");
                if (o instanceof Throwable t) throw new Failure("server gone: " + describe(Status.fromThrowable(t)));
                if (o == END) throw new Failure("the server ended the session without a result");
                ServerStep m = (ServerStep) o;
                waitMs = 2 * info.stepTimeoutMs() + 60_000;
                if (!m.getResultJson().isEmpty()) {
                    out.onCompleted();
                    return Json.read(m.getResultJson(), UserResult.class);
                }
                if (!m.getSkipped().isEmpty()) {
                    skipped++;
                } else {
                    ByteString bytes = m.getAdaptationData();   // read in place, not copied
                    if (knowledge != null) {
                        knowledge.received("user-" + info.spec().id(), "server", "adaptation_data",
                                WireFormat.decode(bytes.asReadOnlyByteBuffer(), "adaptation_data", null));
                    }
                    device.receive(WireFormat.decodeDown(bytes.asReadOnlyByteBuffer(), info.dtype()))
                            .ifPresent(f -> dirty = true);
                    if (observer != null) observer.after(m.getStep(), device);
                }
                out.onNext(message(m.getStep() + 1));
            }
        } catch (RuntimeException e) {
            out.onError(Status.CANCELLED.withDescription("user failed").asRuntimeException());
            throw new Failure("user failed: " + e.getMessage());
        }
    }

    /** UserStep(s): rows and upload; at s == steps the final message with the parameters only. */
    private UserStep message(int s) {
        UserStep.Builder b = UserStep.newBuilder().setStep(s);
        ColaMode mode = info.colaMode();
        if (s >= info.steps()) {
            byte[] params = WireFormat.encodeUp(info.userId(), device.parameters());
            if (mode == ColaMode.UNMERGED && dirty) {
                uploadsSent++;
                return b.setUpload(bytes(params)).build();   // the upload after the last fit, as in-process
            }
            return b.setFinalParameters(bytes(params)).build();
        }
        b.setBatch(bytes(WireFormat.encode("batch", data.encode(data.sample(info.userId(), info.rowsPerUser(), rng)))));
        if (mode != ColaMode.UNMERGED) {
            b.setUpload(bytes(WireFormat.encodeUp(info.userId(), device.deltas())));
            uploadsSent++;
        } else if (dirty) {
            b.setUpload(bytes(WireFormat.encodeUp(info.userId(), device.parameters())));
            dirty = false;
            uploadsSent++;
        }
        return b.build();
    }

    /** The message array as a ByteString without a copy: WireFormat made it for this message alone. */
    private static ByteString bytes(byte[] b) {
        return UnsafeByteOperations.unsafeWrap(b);
    }

    /** The status as one short line (transport descriptions can hold stack traces). */
    private static String describe(Status s) {
        String d = s.getDescription();
        if (d == null) return s.getCode().toString();
        d = d.lines().findFirst().orElse("");
        return s.getCode() + " (" + (d.length() > 160 ? d.substring(0, 160) + "…" : d) + ")";
    }
}

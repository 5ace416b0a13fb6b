package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.AdaptationData;
import cola4j.gl.app.ftaas.KnowledgeLedger;
import cola4j.gl.app.ftaas.LocalServer;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.WireFormat;
import cola4j.gl.app.ftaas.grpc.proto.ServerStep;
import cola4j.gl.app.ftaas.grpc.proto.UserStep;
import cola4j.tensor.Tensor;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The bytes of a {@link SessionHost}'s session: what a user sends, decoded into {@link LocalServer} calls (its
 * training rows, its upload, its final parameters), and the adaptation data it gets, encoded ({@link WireFormat}).
 * Received messages are read in place (a read-only view of the ByteString, not a copy); sent ones are wrapped
 * without a copy, since each array is made for its message alone. Counts the traffic ({@link HostOutcome.Traffic})
 * and records every tensor the server decodes in the {@link KnowledgeLedger}, if one is set.
 *
 * @param <B> batch type
 */
final class HostMessages<B> {
    private final TenantWorkload<B> workload;
    private final LocalServer<B> server;
    private final int maxRows;
    private final boolean unmerged;
    private final TransferDtype transfer;
    private KnowledgeLedger knowledge;
    private long down, downHeader, up, upHeader, setupUp, batches, uploadsApplied;

    HostMessages(TenantWorkload<B> workload, LocalServer<B> server, int maxRows, boolean unmerged,
            TransferDtype transfer) {
        this.workload = workload;
        this.server = server;
        this.maxRows = maxRows;
        this.unmerged = unmerged;
        this.transfer = transfer;
    }

    void knowledge(KnowledgeLedger k) {
        this.knowledge = k;
    }

    private LinkedHashMap<String, Tensor> known(Peer p, String kind, LinkedHashMap<String, Tensor> t) {
        if (knowledge != null) knowledge.received("server", "user-" + p.id, kind, t);
        return t;
    }

    /** The user's training rows of {@code m}, checked and queued on the server. */
    void submit(Peer p, UserStep m) {
        batches += m.getBatch().size();
        server.submit(p.id, workload.decode(known(p, "batch",
                WireFormat.decode(m.getBatch().asReadOnlyByteBuffer(), "batch", null)), maxRows));
    }

    /** The upload of {@code m}, if any, applied on the server (step 0 of an unmerged session counts as setup). */
    void upload(Peer p, UserStep m) {
        if (m.getUpload().isEmpty()) return;
        ByteString bytes = m.getUpload();
        if (m.getStep() == 0 && unmerged) {
            setupUp += bytes.size();
        } else {
            up += bytes.size();
            upHeader += WireFormat.headerBytes(bytes.asReadOnlyByteBuffer());
        }
        server.upload(p.id, known(p, "auxiliary_upload", WireFormat.decodeUp(bytes.asReadOnlyByteBuffer())));
        uploadsApplied++;
    }

    /** The final message's parameters (its upload, counted as upload traffic, or else its final_parameters). */
    LinkedHashMap<String, Tensor> finalParameters(Peer p, UserStep m) {
        ByteString params = m.getUpload().isEmpty() ? m.getFinalParameters() : m.getUpload();
        if (!m.getUpload().isEmpty()) {
            up += params.size();
            upHeader += WireFormat.headerBytes(params.asReadOnlyByteBuffer());
            uploadsApplied++;
        }
        return known(p, "auxiliary_upload", WireFormat.decodeUp(params.asReadOnlyByteBuffer()));
    }

    /** Sends the user its adaptation data of step {@code s}. */
    void send(Peer p, int s, List<AdaptationData> data) {
        byte[] bytes = WireFormat.encodeDown(p.id, data, transfer);
        down += bytes.length;
        downHeader += WireFormat.headerBytes(bytes);
        p.served++;
        // the array is this message's alone and never written again: wrapped, not copied
        p.send(ServerStep.newBuilder().setStep(s).setAdaptationData(UnsafeByteOperations.unsafeWrap(bytes)).build());
    }

    HostOutcome.Traffic traffic() {
        return new HostOutcome.Traffic(down, downHeader, up, upHeader, setupUp, batches);
    }

    long uploadsApplied() {
        return uploadsApplied;
    }
}

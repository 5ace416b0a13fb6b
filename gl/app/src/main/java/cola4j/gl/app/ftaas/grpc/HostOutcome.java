package cola4j.gl.app.ftaas.grpc;

import java.util.List;

/** What a session measured: every user's result, the wall time of each step, the message bytes. */
public record HostOutcome(List<UserResult> users, List<Double> stepMillis, HostOutcome.Traffic traffic,
                          long uploadsApplied) {
    /**
     * Message bytes of a session (safetensors files inside the gRPC messages; framing is not in here).
     *
     * @param down       adaptation data messages, total bytes
     * @param downHeader their headers (8 + N each)
     * @param up         uploads (parameters, ΔW) after setup, total bytes
     * @param upHeader   their headers
     * @param setupUp    uploads of step 0 in unmerged mode (the initial replicas)
     * @param batches    training-row messages (not counted by the in-process transport)
     */
    public record Traffic(long down, long downHeader, long up, long upHeader, long setupUp, long batches) {}
}
